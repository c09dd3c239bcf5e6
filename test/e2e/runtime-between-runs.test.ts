// --max-runtime is the wall time of this run of the wrapper: it is reached while no child runs too
// (in a backoff, or loop mode's --interval), and the job halts then, not at the next start.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { cli, readJson, stateDir } from '../helpers/cli.ts';

describe('--max-runtime between runs', () => {
  it('reached during a backoff: BUDGET_EXCEEDED (81) then, not after the backoff', async () => {
    const dir = stateDir();
    const args = ['run', '--min-uptime', '1s', '--backoff-initial', '60s', '--backoff-jitter', '0', '--max-runtime', '2s', '--state-dir', dir, '--', 'false'];
    const r = await cli(args);
    expect(r.code).toBe(81);
    expect(r.ms).toBeLessThan(30_000);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr).toMatchObject({ reason: 'BUDGET_EXCEEDED', exitCode: 81, rule: 'max-runtime 2s' });
  }, 90_000);

  it('reached during loop mode\'s --interval: BUDGET_EXCEEDED (81) then', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--interval', '60s', '--max-runtime', '2s', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(81);
    expect(r.ms).toBeLessThan(30_000);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'BUDGET_EXCEEDED', exitCode: 81 });
  }, 90_000);

  it('--max-runtime 30d with a 1s backoff: no early budget halt (the timer is not overflowed)', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--min-uptime', '1s', '--backoff-initial', '300ms', '--max-consecutive-failures', '3', '--max-runtime', '30d', '--state-dir', dir, '--', 'false']);
    expect(r.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json')).reason).toBe('RETRY_LIMIT_REACHED');
  }, 90_000);
});
