// `safehalt stop --now` after a stop that is already under way: it does not wait. A graceful stop
// held for an action in flight (a first SIGTERM, or `stop` in service mode) is cut short by it, and
// in service mode, where `stop --now` is the kill, a child that ignores the SIGTERM of a graceful
// stop is killed at once rather than after --kill-timeout.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

/** A child that opens an action over SAFEHALT_FD and never ends it; it records SIGTERM and ignores it. */
function child(log: string): string[] {
  return ['sh', '-c', `trap 'echo term >> ${log}' TERM; echo "begin charge card 42" >&$SAFEHALT_FD; echo begun >> ${log}; while :; do sleep 0.05; done`];
}

async function held(mode: string, first: 'SIGTERM' | 'stop') {
  const dir = stateDir();
  const log = path.join(tempDir(), 'log');
  const run = start(['run', '--mode', mode, '--min-uptime', '1s', '--action-grace', '60s', '--kill-timeout', '60s', '--state-dir', dir, '--', ...child(log)]);
  await waitFor(() => lines(log).includes('begun'), 15_000, 'the action to begin');
  if (first === 'SIGTERM') run.proc.kill('SIGTERM');
  else await cli(['stop', '--state-dir', dir]);
  await waitFor(() => /waiting up to 1m for action "charge card 42"/.test(run.stderrSoFar()), 15_000, 'the hold');
  return { dir, log, run };
}

describe('stop --now while a stop is already under way', () => {
  it('loop mode, SIGTERM held for an action: stop --now does not wait for it', async () => {
    const { dir, log, run } = await held('loop', 'SIGTERM');
    const t0 = Date.now();
    expect((await cli(['stop', '--now', '--state-dir', dir])).code).toBe(0);
    await waitFor(() => lines(log).includes('term'), 20_000, 'the child to get SIGTERM');
    run.proc.kill('SIGTERM'); // the second signal ends the kill-timeout wait: the hold is what is tested
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.code).toBe(0);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr.exitCode).toBe(0);
    expect(sr.waited).toMatchObject({ action: 'charge card 42', ended: 'escalated' });
  }, 90_000);

  it('service mode, stop held for an action: stop --now kills the child at once', async () => {
    const { dir, run } = await held('service', 'stop');
    const t0 = Date.now();
    await cli(['stop', '--now', '--state-dir', dir]);
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.code).toBe(0);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr.exitCode).toBe(0);
    expect(sr.waited).toMatchObject({ ended: 'escalated' });
    const events = lines(path.join(dir, 'events.jsonl')).map((l) => JSON.parse(l));
    expect(events.find((e) => e.event === 'escalated')).toMatchObject({ why: 'safehalt stop --now', signal: 'SIGKILL' });
  }, 90_000);

  it('service mode, SIGTERM ignored by the child: stop --now kills it without waiting for --kill-timeout', async () => {
    const dir = stateDir();
    const log = path.join(tempDir(), 'log');
    const sh = `trap 'echo term >> ${log}' TERM; echo begun >> ${log}; while :; do sleep 0.05; done`;
    const run = start(['run', '--min-uptime', '1s', '--kill-timeout', '60s', '--state-dir', dir, '--', 'sh', '-c', sh]);
    await waitFor(() => lines(log).includes('begun'), 15_000, 'the child to start');
    run.proc.kill('SIGTERM');
    await waitFor(() => lines(log).includes('term'), 15_000, 'the child to get SIGTERM');
    const t0 = Date.now();
    await cli(['stop', '--now', '--state-dir', dir]);
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.code).toBe(0);
    expect(readJson(path.join(dir, 'stop-reason.json')).exitCode).toBe(0);
    const events = lines(path.join(dir, 'events.jsonl')).map((l) => JSON.parse(l));
    expect(events.find((e) => e.event === 'escalated')).toMatchObject({ why: 'safehalt stop --now', signal: 'SIGKILL' });
  }, 90_000);
});
