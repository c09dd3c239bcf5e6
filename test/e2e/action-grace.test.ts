// Stops that wait for an action in flight: a graceful stop while the child is between
// `heartbeat --begin ACTION` and `--end` is held until the action ends, up to --action-grace
// (default: the kill timeout); a second signal does not wait. The log and the stop reason say
// what was waited for and how long.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, cliArgv, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

const hb = (args: string) => cliArgv([]).flat().map((a) => `'${a}'`).join(' ') + ` heartbeat ${args}`;
const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

/** A child that records, in order, when its action ended and when it got SIGTERM. */
function child(log: string, actionMs: number | null) {
  const end = actionMs === null ? 'sleep 60' : `sleep ${actionMs / 1000}; echo action-done >> ${log}; ${hb('--end')}`;
  return ['sh', '-c', `trap 'echo term >> ${log}; exit 0' TERM; ${hb('--begin "charge card 42"')}; echo begun >> ${log}; ${end}; while :; do sleep 0.05; done`];
}

describe('--action-grace', () => {
  it('SIGTERM during an action: the child is signalled only after the action ended; the wait is told', async () => {
    const dir = stateDir();
    const log = path.join(tempDir(), 'log');
    const run = start(['run', '--mode', 'loop', '--state-dir', dir, '--', ...child(log, 1500)]);
    await waitFor(() => lines(log).includes('begun'), 15_000, 'the action to begin');
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(lines(log)).toEqual(['begun', 'action-done', 'term']);
    expect(r.stderr).toMatch(/waiting up to 10s for action "charge card 42" to end before stopping the child/);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr).toMatchObject({ reason: 'SIGNAL', exitCode: 0, waited: { action: 'charge card 42', ended: 'action-ended' } });
    expect(sr.waited.ms).toBeGreaterThanOrEqual(500);
    expect(sr.message).toMatch(/waited .* for action "charge card 42" to end/);
  }, 60_000);

  it('an action that does not end is waited for --action-grace, then the child is stopped', async () => {
    const dir = stateDir();
    const log = path.join(tempDir(), 'log');
    const run = start(['run', '--mode', 'loop', '--action-grace', '800ms', '--state-dir', dir, '--', ...child(log, null)]);
    await waitFor(() => lines(log).includes('begun'), 15_000, 'the action to begin');
    const t0 = Date.now();
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    expect(lines(log)).toEqual(['begun', 'term']);
    expect(readJson(path.join(dir, 'stop-reason.json')).waited).toMatchObject({ action: 'charge card 42', ended: 'grace-expired' });
  }, 60_000);

  it('a second SIGTERM does not wait for the action', async () => {
    const dir = stateDir();
    const log = path.join(tempDir(), 'log');
    const run = start(['run', '--mode', 'loop', '--action-grace', '30s', '--state-dir', dir, '--', ...child(log, null)]);
    await waitFor(() => lines(log).includes('begun'), 15_000, 'the action to begin');
    run.proc.kill('SIGTERM');
    await waitFor(() => /waiting up to 30s/.test(run.stderrSoFar()), 10_000, 'the hold');
    const status = await cli(['status', '--state-dir', dir]);
    expect(status.stdout).toMatch(/stopping:\s+waiting for action "charge card 42" \(up to 30s\)/);
    const t0 = Date.now();
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.code).toBe(0);
    expect(readJson(path.join(dir, 'stop-reason.json')).waited).toMatchObject({ ended: 'escalated' });
  }, 60_000);

  it('--action-grace 30d (above the 24.8-day timer limit): the hold does not end early; a second SIGTERM ends it', async () => {
    const dir = stateDir();
    const log = path.join(tempDir(), 'log');
    const run = start(['run', '--mode', 'loop', '--action-grace', '30d', '--state-dir', dir, '--', ...child(log, null)]);
    await waitFor(() => lines(log).includes('begun'), 15_000, 'the action to begin');
    run.proc.kill('SIGTERM');
    await waitFor(() => /waiting up to 30d/.test(run.stderrSoFar()), 10_000, 'the hold');
    await new Promise((r) => setTimeout(r, 1500));
    expect(lines(log)).toEqual(['begun']);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  }, 60_000);
});
