// Audit fields cannot be forged, and no text a user types or a planted file holds reaches a terminal
// raw: control characters are refused at input (exit 64) and escaped wherever they are printed.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, readEvents, stateDir } from '../helpers/cli.ts';
import { cliAs, ensureUser, ownedDir } from '../helpers/users.ts';

const ESC_TITLE = '\u001b]0;pwned\u0007\u001b[2J';

describe('who did it', () => {
  it('SUDO_USER is not believed from a normal user', async () => {
    const u = ensureUser('shaudit');
    const dir = ownedDir(u);
    const r = await cliAs(u, ['pause', '--state-dir', dir, '--reason', 'x'], { SUDO_USER: 'someone' });
    expect(r.code).toBe(0);
    const e = readEvents(dir).find((x) => x.event === 'pause-requested');
    expect(e.by).toBe('shaudit');
    expect((await cliAs(u, ['resume', '--state-dir', dir], { SUDO_USER: 'someone' })).code).toBe(0);
    expect(readEvents(dir).find((x) => x.event === 'resumed').by).toBe('shaudit');
  });

  it('from root (real uid 0), SUDO_USER is recorded as who ran sudo', async () => {
    const dir = stateDir();
    expect((await cli(['pause', '--state-dir', dir], { env: { SUDO_USER: 'alice' } })).code).toBe(0);
    expect(readEvents(dir).find((x) => x.event === 'pause-requested').by).toBe('alice (sudo)');
  });
});

describe('control characters', () => {
  it('--reason with control characters is refused on stop, pause and resume (exit 64, nothing written)', async () => {
    for (const cmd of ['stop', 'pause', 'resume']) {
      const dir = stateDir();
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const r = await cli([cmd, '--state-dir', dir, '--reason', `ok${ESC_TITLE}`]);
      expect(r.code, cmd).toBe(64);
      expect(r.stderr).toMatch(/--reason: expected one line of text without control characters, got \\x1b/);
      expect(r.stderr).not.toContain('\u001b');
      expect(readEvents(dir)).toEqual([]);
    }
    for (const bad of ['a\nb', 'c1 \u009b31m', 'bidi \u202e']) expect((await cli(['stop', '--state-dir', stateDir(), '--reason', bad])).code).toBe(64);
  });

  it('heartbeat texts refuse C1 and DEL as well as C0', async () => {
    const dir = stateDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const flag of ['--step', '--progress', '--begin']) expect((await cli(['heartbeat', '--state-dir', dir, flag, 'x\u009b2J'])).code, flag).toBe(64);
  });

  it('status escapes texts from planted state files (no ESC reaches the terminal), text and JSON', async () => {
    const dir = stateDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const marker = { schema: 1, now: false, reason: `maintenance${ESC_TITLE}\u009b31m`, by: `mallory${ESC_TITLE}`, at: new Date().toISOString() };
    writeFileSync(path.join(dir, '.pause'), JSON.stringify(marker), { mode: 0o600 });
    writeFileSync(path.join(dir, 'events.jsonl'), JSON.stringify({ time: new Date().toISOString(), event: `evil${ESC_TITLE}`, reason: `r${ESC_TITLE}` }) + '\n', { mode: 0o600 });
    const text = await cli(['status', '--state-dir', dir]);
    expect(text.code).toBe(85);
    expect(text.stdout).toContain('maintenance\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m');
    expect(text.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const json = await cli(['status', '--state-dir', dir, '--json']);
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.parse(json.stdout).pauseFile.reason).toBe(marker.reason);
  });

  it('the wrapper\'s log escapes a planted marker\'s reason', async () => {
    const dir = stateDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, '.pause'), JSON.stringify({ reason: `x${ESC_TITLE}` }), { mode: 0o600 });
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(85);
    expect(r.stderr).toContain('paused (x\\x1b]0;pwned\\x07\\x1b[2J)');
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
