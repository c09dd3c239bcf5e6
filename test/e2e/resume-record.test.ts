// What a resume leaves behind: a stop reason that no longer claims a latched halt, and an event only
// when something was resumed.
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { cli, readEvents, readJson, stateDir } from '../helpers/cli.ts';

describe('resume records', () => {
  it('stop-reason.json says the halt was cleared, by whom, when and why (no longer latched)', async () => {
    const dir = stateDir();
    expect((await cli(['run', '--mode', 'once', '--max-consecutive-failures', '1', '--state-dir', dir, '--', 'false'])).code).toBe(80);
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(83);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'HALT_LATCHED', latched: true });
    const before = Date.now();
    const r = await cli(['resume', '--state-dir', dir, '--reason', 'token renewed']);
    expect(r.code).toBe(0);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr).toMatchObject({ reason: 'HALT_LATCHED', latched: false, resume: null, cleared: { halt: 'RETRY_LIMIT_REACHED', by: 'root', reason: 'token renewed', automatic: false } });
    expect(Date.parse(sr.cleared.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(sr.next).toBe('the RETRY_LIMIT_REACHED halt was cleared by root; the job may start again');
    const status = await cli(['status', '--state-dir', dir, '--json']);
    expect(JSON.parse(status.stdout).halt).toBeNull();
  });

  it('a resume with nothing to resume records no event', async () => {
    const dir = stateDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(0);
    const events = readEvents(dir).length;
    const r = await cli(['resume', '--state-dir', dir]);
    expect(r.stdout).toBe('nothing to resume: the job was not halted, paused or stopped.\n');
    expect(r.code).toBe(0);
    expect(readEvents(dir)).toHaveLength(events);
  });
});
