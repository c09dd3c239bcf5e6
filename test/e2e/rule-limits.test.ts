// Every window rule trips exactly at its N, for every N the parser accepts; an N the failure
// memory could never count to is refused at the start (exit 64), not accepted and never tripped.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { cli, readEvents, readJson, stateDir } from '../helpers/cli.ts';
import { FAILURE_RING } from '../../src/policy/memory.ts';

const quick = ['--mode', 'loop', '--interval', '0', '--backoff-initial', '0', '--backoff-max', '0', '--max-consecutive-failures', '0', '--spike', 'none'];

describe('window rule limits', () => {
  it(`--max-failures ${FAILURE_RING} (the largest accepted) halts at exactly the ${FAILURE_RING}th failure`, async () => {
    const dir = stateDir();
    const r = await cli(['run', ...quick, '--max-failures', String(FAILURE_RING), '--within', '10m', '--max-restarts', String(FAILURE_RING + 20), '--state-dir', dir, '--', 'false']);
    expect(r.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'FAILURE_SPIKE', rule: `max-failures ${FAILURE_RING} within 10m` });
    expect(readEvents(dir).filter((e) => e.event === 'started')).toHaveLength(FAILURE_RING);
  }, 120_000);

  it.each([
    ['--max-failures', String(FAILURE_RING + 10)],
    ['--spike', `exit:1:${FAILURE_RING + 1}/10m`],
  ])('%s %s: refused with exit 64 naming the limit, the child never started', async (flag, value) => {
    const dir = stateDir();
    const r = await cli(['run', ...quick.filter((a) => a !== 'none' && a !== '--spike'), flag, value, '--max-restarts', String(FAILURE_RING + 20), '--state-dir', dir, '--', 'false']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`${flag}: expected a whole number from 0 to ${FAILURE_RING}`);
    expect(r.stderr).toContain(`the last ${FAILURE_RING} failures`);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(readEvents(dir).filter((e) => e.event === 'started')).toHaveLength(0);
  }, 120_000);
});
