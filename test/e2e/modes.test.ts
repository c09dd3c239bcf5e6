// The three modes of `run`, end to end on real child processes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, fixture, readEvents, readJson, stateDir, tempDir } from '../helpers/cli.ts';

const fast = ['--backoff-initial', '10ms', '--backoff-max', '50ms'];

describe('once mode', () => {
  it('a successful child: exit 0, stop reason COMPLETED', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', fixture('exit-n.sh'), '0']);
    expect(r.code).toBe(0);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'COMPLETED', exitCode: 0 });
  });
  it.each([1, 3, 42, 255])('the child status %i passes through', async (n) => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', fixture('exit-n.sh'), String(n)]);
    expect(r.code).toBe(n);
    expect(readJson(path.join(dir, 'state.json'))).toMatchObject({ failures: 1, consecutiveFailures: 1, classCounts: { [`exit:${n}`]: 1 } });
  });
  it('a failed run is logged as a failure, never as COMPLETED', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', fixture('exit-n.sh'), '3']);
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/COMPLETED/);
    expect(r.stderr).toMatch(/finished: the run failed \(exit:3\); exit status 3/);
    expect(readJson(path.join(dir, 'stop-reason.json')).message).toBe('the run failed (exit:3); exit status 3');
    const ok = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(ok.stderr).toMatch(/stopped \(COMPLETED\): the run succeeded/);
  });
  it('a child killed by a signal gives 128+n', async () => {
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'sh', '-c', 'kill -SEGV $$']);
    expect(r.code).toBe(128 + 11);
  });
  it('a missing command is exit 127, as a shell says', async () => {
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', '/nonexistent/cmd']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('ENOENT');
  });
  it('the failure memory persists across once runs (cron) and halts on the 5th consecutive failure', async () => {
    const dir = stateDir();
    const codes: (number | null)[] = [];
    for (let i = 0; i < 6; i++) codes.push((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', fixture('exit-n.sh'), '2'])).code);
    expect(codes).toEqual([2, 2, 2, 2, 80, 83]);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'HALT_LATCHED', exitCode: 83, latchedHalt: { reason: 'RETRY_LIMIT_REACHED' } });
  });
  it('--timeout stops a slow run: class timeout, exit 124', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--timeout', '300ms', '--kill-timeout', '200ms', '--state-dir', dir, '--', fixture('forever.sh')]);
    expect(r.code).toBe(124);
    expect(readJson(path.join(dir, 'state.json')).classCounts).toEqual({ timeout: 1 });
    expect(readJson(path.join(dir, 'stop-reason.json')).reason).toBe('TIMEOUT');
  });
});

describe('loop mode', () => {
  it('runs iterations with SAFEHALT_ITERATION and completes at --max-iterations', async () => {
    const dir = stateDir();
    const out = path.join(tempDir(), 'iterations');
    const r = await cli(['run', '--mode', 'loop', '--interval', '10ms', '--max-iterations', '3', '--state-dir', dir, '--', 'sh', '-c', `echo "$SAFEHALT_ITERATION $SAFEHALT_NAME" >> ${out}`]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('1 job\n2 job\n3 job\n');
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'COMPLETED', exitCode: 0 });
  });
  it('a failing iteration backs off and halts on the consecutive limit (exit 80)', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', ...fast, '--max-consecutive-failures', '3', '--state-dir', dir, '--', fixture('exit-n.sh'), '1']);
    expect(r.code).toBe(80);
    const events = readEvents(dir).map((e) => e.event);
    expect(events.filter((e) => e === 'started')).toHaveLength(3);
    expect(events.filter((e) => e === 'backoff')).toHaveLength(2);
  });
});

describe('service mode', () => {
  it('a run shorter than --min-uptime is early-exit even with exit 0', async () => {
    const dir = stateDir();
    const r = await cli(['run', ...fast, '--max-consecutive-failures', '2', '--state-dir', dir, '--', fixture('exit-n.sh'), '0']);
    expect(r.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'RETRY_LIMIT_REACHED', counts: { byClass: { 'early-exit': 2 } } });
  });
  it('--restart on-failure: a clean exit after min-uptime completes (exit 0)', async () => {
    const r = await cli(['run', '--restart', 'on-failure', '--min-uptime', '100ms', '--state-dir', stateDir(), '--', 'sh', '-c', 'sleep 0.3']);
    expect(r.code).toBe(0);
  });
  it('a run longer than --min-uptime resets the consecutive count', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'n');
    // Fails twice fast, then runs long (and fails), then fast again: never 3 in a row.
    const script = `n=$(cat ${marker} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${marker}; case $n in 3) sleep 0.5;; 6) exit 0;; esac; exit 1`;
    const r = await cli(['run', '--restart', 'on-failure', '--min-uptime', '300ms', ...fast, '--max-consecutive-failures', '3', '--max-failures', '0', '--state-dir', dir, '--', 'sh', '-c', script]);
    expect(readJson(path.join(dir, 'state.json')).failures).toBe(5);
    expect(r.code).toBe(80);
  });
});
