// An interrupted iteration is reported until a child has heard of it: a wrapper that dies after
// reporting it but before starting the next child must not lose it (found by the crash test).
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, readEvents, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

function jobWithInterruption(extra: Record<string, unknown> = {}): string {
  const dir = stateDir();
  mkdirSync(dir, { mode: 0o700 });
  const inflight = { schema: 1, iteration: 3, pid: 999_999, pidStartTime: '1', wrapperPid: 999_998, startedAt: new Date().toISOString(), command: 'job', ...extra };
  writeFileSync(path.join(dir, 'inflight.json'), JSON.stringify(inflight), { mode: 0o600 });
  return dir;
}

const action = (name: string) => ({ schema: 1, time: new Date().toISOString(), pid: 999_999, iteration: 3, progress: null, step: null, cost: 0, beats: 1, action: { name, since: new Date().toISOString() } });

/** A `once` run whose child writes what it was told about an interruption; returns that. */
async function childSees(dir: string): Promise<string> {
  const out = path.join(tempDir(), 'env');
  const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'sh', '-c', `echo "$SAFEHALT_PREVIOUS_INTERRUPTED $SAFEHALT_INTERRUPTED_ITERATION $SAFEHALT_INTERRUPTED_ACTION" > ${out}`]);
  expect(r.code).toBe(0);
  return readFileSync(out, 'utf8').trim();
}

/** A wrapper that reports the interruption, then is SIGKILLed while paused, before any child. */
async function reportThenDie(dir: string): Promise<void> {
  writeFileSync(path.join(dir, '.pause'), '');
  const w = start(['run', '--mode', 'loop', '--state-dir', dir, '--', 'true']);
  await waitFor(() => readEvents(dir).some((e) => e.event === 'paused'), 15_000, 'the wrapper to pause');
  expect(readEvents(dir).filter((e) => e.event === 'interrupted')).toHaveLength(1);
  w.proc.kill('SIGKILL');
  await w.done;
  unlinkSync(path.join(dir, '.pause'));
}

describe('an interrupted iteration is reported until a child hears of it', () => {
  it('the child started next is told (baseline)', async () => {
    expect(await childSees(jobWithInterruption())).toBe('1 3');
  });

  it('a wrapper killed after reporting it, before starting a child, does not lose it', async () => {
    const dir = jobWithInterruption();
    await reportThenDie(dir);
    expect(await childSees(dir)).toBe('1 3');
    expect(readEvents(dir).filter((e) => e.event === 'interrupted').map((e) => e.iteration)).toEqual([3, 3]);
  });

  it('... nor the action that was in flight', async () => {
    const dir = jobWithInterruption();
    writeFileSync(path.join(dir, 'child-heartbeat.json'), JSON.stringify(action('charge-card')), { mode: 0o600 });
    await reportThenDie(dir);
    expect(await childSees(dir)).toBe('1 3 charge-card');
  });

  it('a checkpoint whose child never started carries the interruption it was to report', async () => {
    const dir = jobWithInterruption({ iteration: 5, pid: null, pidStartTime: null, interrupted: { iteration: 3, action: 'charge-card' } });
    expect(await childSees(dir)).toBe('1 3 charge-card');
  });

  it('once a child has been told, the next start reports nothing', async () => {
    const dir = jobWithInterruption();
    expect(await childSees(dir)).toBe('1 3');
    expect(await childSees(dir)).toBe('');
  });
});
