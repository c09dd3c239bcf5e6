// State files: atomic, private, and never trusted blindly: a bad one is exit 78, left untouched.
import { describe, expect, it } from 'vitest';
import { chmodSync, chownSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, fixture, readJson, stateDir, tempDir } from '../helpers/cli.ts';

const fast = ['--backoff-initial', '10ms', '--backoff-max', '50ms'];

async function halted(): Promise<string> {
  const dir = stateDir();
  await cli(['run', ...fast, '--state-dir', dir, '--', fixture('flaky-db.sh')]);
  return dir;
}

describe('state files', () => {
  it('the directory is 0700 and every file 0600', async () => {
    const dir = await halted();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) {
      const st = statSync(path.join(dir, f));
      if (st.isFile()) expect([f, st.mode & 0o777]).toEqual([f, 0o600]);
    }
  });

  const corruptions: Array<[string, string, string]> = [
    ['state.json', '{"schema": 1, "runs": 3', 'not valid JSON'],
    ['state.json', '', 'empty'],
    ['state.json', '\u0000\u0001garbage', 'not valid JSON'],
    ['state.json', '[1,2,3]', 'not a JSON object'],
    ['state.json', '{"schema": 1, "runs": "three"}', 'cannot be trusted'],
    ['state.json', '{"schema": 99}', 'schema version 99, newer than'],
    ['inflight.json', '{"iteration": "x"}', 'cannot be trusted'],
  ];
  it.each(corruptions)('a corrupt %s (%j) is exit 78, named, and left as it was', async (file, content) => {
    const dir = await halted();
    writeFileSync(path.join(dir, file), content);
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(path.join(dir, file));
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(path.join(dir, file), 'utf8')).toBe(content);
    const status = await cli(['status', '--state-dir', dir]);
    expect(status.code).toBe(78);
  });

  it('a symlink in place of state.json is refused, and its target is not touched', async () => {
    const dir = await halted();
    const target = path.join(tempDir(), 'elsewhere.json');
    writeFileSync(target, 'precious');
    const st = path.join(dir, 'state.json');
    unlinkSync(st);
    symlinkSync(target, st);
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('symbolic link');
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it('a symlinked state directory is refused', async () => {
    const real = tempDir();
    const link = path.join(tempDir(), 'link');
    symlinkSync(real, link);
    const r = await cli(['run', '--mode', 'once', '--state-dir', link, '--', 'true']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('symbolic link');
  });

  it('a state directory writable by group or others is refused', async () => {
    const dir = stateDir();
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`chmod 700 ${dir}`);
  });

  it('a state directory owned by another user is refused', async () => {
    const dir = stateDir();
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('owned by uid 65534');
  });
});


describe('optional files', () => {
  it('a heartbeat.json that cannot be written is one warning, and the job carries on', async () => {
    const dir = stateDir();
    mkdirSync(dir, { mode: 0o700 });
    mkdirSync(path.join(dir, 'heartbeat.json')); // a directory where the file should be: rename fails
    const r = await cli(['run', '--mode', 'loop', '--max-iterations', '3', '--heartbeat-interval', '100ms', '--state-dir', dir, '--', 'sleep', '0.2']);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('heartbeat not updated'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot write .*heartbeat\.json: .*; the job carries on$/);
    expect(warnings[0]).not.toContain('does not run a job');
  });
});
