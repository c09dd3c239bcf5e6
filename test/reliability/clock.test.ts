// Wall-clock jumps while the wrapper runs, made with libfaketime (Debian's `faketime` package) on
// the real binary: the offset is read from a file at every call (FAKETIME_NO_CACHE), so the test
// moves the wall clock by hours mid-run; CLOCK_MONOTONIC is left alone (DONT_FAKE_MONOTONIC).
// Windows, backoff, run durations, budgets and kill timeouts must follow the monotonic clock;
// times shown to people follow the (jumped) wall clock.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cli, readEvents, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';
import { record } from './figures.ts';

const LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const HOUR = 3_600_000;
const available = existsSync(LIB);
if (!available && process.env.CI) throw new Error(`${LIB} is missing: .ci/run installs the faketime package`);

let jumps = 0;
afterAll(() => record('clock', { jumps }));

/** A wall clock for one test: the wrapper sees real time + the offset in its file. */
function fakeClock() {
  const rc = path.join(tempDir(), 'faketimerc');
  writeFileSync(rc, '+0\n');
  const env = { LD_PRELOAD: LIB, FAKETIME_TIMESTAMP_FILE: rc, FAKETIME_NO_CACHE: '1', DONT_FAKE_MONOTONIC: '1' };
  return {
    env,
    set(hours: number) {
      jumps++;
      writeFileSync(rc, `${hours >= 0 ? '+' : ''}${hours}h\n`);
    },
  };
}

const events = (dir: string, name: string) => readEvents(dir).filter((e) => e.event === name);
const noRules = ['--max-consecutive-failures', '0', '--max-failures', '0', '--spike', 'none'];

describe.skipIf(!available)('wall-clock jumps (libfaketime)', () => {
  it('the faked wall clock reaches the binary, and times shown to people follow it', async () => {
    const clock = fakeClock();
    clock.set(-5);
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'], { env: clock.env });
    expect(r.code).toBe(0);
    const shown = Date.parse(readJson(path.join(dir, 'stop-reason.json')).time);
    expect(Math.abs(shown - (Date.now() - 5 * HOUR))).toBeLessThan(60_000);
    expect(Math.abs(Date.parse(String(events(dir, 'started')[0].time)) - (Date.now() - 5 * HOUR))).toBeLessThan(60_000);
  });

  it.each([
    ['forward', 3],
    ['back', -3],
  ])('a jump %s during backoff neither cuts it short nor stretches it', async (_, hours) => {
    const clock = fakeClock();
    const dir = stateDir();
    const w = start(['run', '--backoff-initial', '3s', '--backoff-jitter', '0', ...noRules, '--state-dir', dir, '--', 'sh', '-c', 'exit 1'], { env: clock.env });
    await waitFor(() => events(dir, 'backoff').length === 1, 15_000, 'the first backoff');
    const t0 = Date.now();
    clock.set(hours);
    await waitFor(() => events(dir, 'started').length === 2, 20_000, 'the second start');
    const waited = Date.now() - t0;
    w.proc.kill('SIGTERM');
    expect((await w.done).code).toBe(0);
    expect(waited).toBeGreaterThan(2000);
    expect(waited).toBeLessThan(8000);
  });

  it('a jump forward during a short run does not make it long enough to count as up (min-uptime)', async () => {
    const clock = fakeClock();
    const dir = stateDir();
    const w = start(['run', '--min-uptime', '3s', '--backoff-initial', '5s', ...noRules, '--state-dir', dir, '--', 'sh', '-c', 'sleep 1; exit 0'], { env: clock.env });
    await waitFor(() => events(dir, 'started').length === 1, 15_000, 'the start');
    clock.set(3);
    await waitFor(() => events(dir, 'exited').length === 1, 15_000, 'the exit');
    w.proc.kill('SIGTERM');
    await w.done;
    const m = readJson(path.join(dir, 'state.json'));
    expect(m.recent.map((f: { cls: string }) => f.cls)).toEqual(['early-exit']);
    expect(m.recent[0].durationMs).toBeLessThan(3000);
  });

  it('a jump back during a long run does not turn it into an early exit', async () => {
    const clock = fakeClock();
    const dir = stateDir();
    const w = start(['run', '--min-uptime', '1s', '--restart', 'on-failure', '--state-dir', dir, '--', 'sh', '-c', 'sleep 2; exit 0'], { env: clock.env });
    await waitFor(() => events(dir, 'started').length === 1, 15_000, 'the start');
    clock.set(-3);
    const r = await w.done;
    expect(r.code).toBe(0);
    const m = readJson(path.join(dir, 'state.json'));
    expect([m.failures, m.successes]).toEqual([0, 1]);
  });

  it('a failure window spans jumps: failures hours apart on the wall clock still count together', async () => {
    const clock = fakeClock();
    const dir = stateDir();
    const args = ['run', '--mode', 'once', '--max-failures', '3', '--within', '10m', '--max-consecutive-failures', '0', '--spike', 'none', '--state-dir', dir, '--', 'sh', '-c', 'exit 1'];
    expect((await cli(args, { env: clock.env })).code).toBe(1);
    clock.set(4);
    expect((await cli(args, { env: clock.env })).code).toBe(1);
    clock.set(-4);
    const third = await cli(args, { env: clock.env });
    expect(third.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json')).reason).toBe('FAILURE_SPIKE');
  });

  it('a jump back does not pull old failures into a window (no trip)', async () => {
    const clock = fakeClock();
    const dir = stateDir();
    const args = ['run', '--mode', 'once', '--max-failures', '2', '--within', '1s', '--max-consecutive-failures', '0', '--spike', 'none', '--state-dir', dir, '--', 'sh', '-c', 'exit 1'];
    expect((await cli(args, { env: clock.env })).code).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    clock.set(-3);
    expect((await cli(args, { env: clock.env })).code).toBe(1);
  });

  it('a jump forward does not use up --max-runtime', async () => {
    const clock = fakeClock();
    const dir = stateDir();
    const w = start(['run', '--max-runtime', '1h', '--backoff-initial', '100ms', ...noRules, '--state-dir', dir, '--', 'sh', '-c', 'sleep 0.3; exit 1'], { env: clock.env });
    await waitFor(() => events(dir, 'started').length === 1, 15_000, 'the start');
    clock.set(5);
    await waitFor(() => events(dir, 'started').length >= 4 || events(dir, 'halted').length > 0, 15_000, 'a few runs');
    expect(events(dir, 'halted')).toEqual([]);
    w.proc.kill('SIGTERM');
    expect((await w.done).code).toBe(0);
  });

  it('a jump forward does not make a child that beats steadily look stalled (--stall-timeout)', async () => {
    const clock = fakeClock();
    const dir = stateDir();
    const beating = 'i=0; while [ $i -lt 12 ]; do touch "$SAFEHALT_HEARTBEAT_FILE"; sleep 0.25; i=$((i+1)); done; exit 0';
    const w = start(['run', '--mode', 'once', '--stall-timeout', '2s', '--state-dir', dir, '--', 'sh', '-c', beating], { env: clock.env });
    await waitFor(() => events(dir, 'started').length === 1, 15_000, 'the start');
    await new Promise((r) => setTimeout(r, 500));
    clock.set(3);
    const r = await w.done;
    expect(events(dir, 'stalled')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a jump back does not hide a stall', async () => {
    const clock = fakeClock();
    const dir = stateDir();
    const w = start(['run', '--mode', 'once', '--stall-timeout', '2s', '--kill-timeout', '500ms', '--state-dir', dir, '--', 'sh', '-c', 'touch "$SAFEHALT_HEARTBEAT_FILE"; sleep 0.5; touch "$SAFEHALT_HEARTBEAT_FILE"; exec sleep 60'], { env: clock.env });
    await waitFor(() => events(dir, 'started').length === 1, 15_000, 'the start');
    clock.set(-3);
    const t0 = Date.now();
    const r = await Promise.race([w.done, new Promise<null>((res) => setTimeout(() => res(null), 15_000))]);
    if (r === null) w.proc.kill('SIGTERM');
    expect(events(dir, 'stalled')).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(8000);
  });

  it('a jump back while the group is reaped does not delay the SIGKILL of a grandchild that ignores TERM', async () => {
    const clock = fakeClock();
    const dir = stateDir();
    const pidFile = path.join(tempDir(), 'grandchild');
    const child = `sh -c 'trap "" TERM; while :; do sleep 0.05; done' & echo $! > ${pidFile}; exit 1`;
    const w = start(['run', '--mode', 'once', '--kill-timeout', '2s', '--state-dir', dir, '--', 'sh', '-c', child], { env: clock.env });
    const pid = Number(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim(), 15_000, 'the grandchild'));
    await new Promise((r) => setTimeout(r, 500));
    clock.set(-3);
    const t0 = Date.now();
    const r = await Promise.race([w.done, new Promise<null>((res) => setTimeout(() => res(null), 15_000))]);
    if (r === null) {
      process.kill(pid, 'SIGKILL');
      w.proc.kill('SIGKILL');
    }
    expect(r?.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(alive(pid)).toBe(false);
  });
});
