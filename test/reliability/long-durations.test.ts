// Every duration flag at 30 days (above Node's 2^31-1 ms timer limit, 24.8 days) behaves as written:
// nothing fires early, the idle wrapper sleeps (CPU from /proc/PID/stat), no warning flood. Before
// the long-timer helper each of these timers overflowed to 1 ms (issue 11 item 9).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cli, fixture, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';
import { spawnSync } from 'node:child_process';
import { notifySocket, pings } from '../helpers/notify-socket.ts';
import { IDLE_TICKS, cpuTicks, phase, quietLog, starts, stop, watchIdle } from './watch-idle.ts';

// .ci/run installs systemd-notify and python3 where they are missing (the notify socket needs them).
const canNotify = spawnSync('systemd-notify', ['--version']).status === 0 && spawnSync('python3', ['--version']).status === 0;

const DAYS_30 = 30 * 24 * 3600 * 1000;
const has = (p: string) => (dir: string) => phase(dir) === p;

/** The idle window saw no second start, little CPU and no overflow warnings. */
function expectIdle(w: { ticks: number; stderr: string }, dir: string, startsSeen = 1) {
  expect(starts(dir)).toBe(startsSeen);
  expect(w.ticks).toBeLessThan(IDLE_TICKS);
  expect(quietLog(w.stderr).overflow).toBe(0);
  expect(quietLog(w.stderr).lines).toBeLessThan(15);
}

describe.concurrent('durations above 24.8 days', () => {
  it('--max-runtime 30d: one start, no budget halt, idle', async () => {
    const dir = stateDir();
    const w = await watchIdle(dir, ['--max-runtime', '30d', '--', 'sleep', '60'], has('running'));
    expectIdle(w, dir);
    expect(await stop(w.run)).toBe(0);
  });

  it('--timeout 30d: a 3 s child is not killed as a timeout', async () => {
    const r = await cli(['run', '--mode', 'once', '--timeout', '30d', '--state-dir', stateDir(), '--', 'sleep', '3']);
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(3000);
    expect(r.stderr).not.toMatch(/timeout|TimeoutOverflow/i);
  });

  it('--kill-timeout 30d: a child that ignores SIGTERM is not killed early; a second SIGTERM escalates', async () => {
    const dir = stateDir();
    const pids = path.join(tempDir(), 'pids');
    const w = await watchIdle(dir, ['--kill-timeout', '30d', '--', fixture('ignore-term.sh'), pids], () => existsSync(pids), 500);
    const [child] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    w.run.proc.kill('SIGTERM');
    await waitFor(() => w.run.stderrSoFar().includes('SIGTERM received'), 10_000, 'the wrapper to take the SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    expect(alive(child)).toBe(true);
    expect(w.run.proc.exitCode).toBeNull();
    expect(quietLog(w.run.stderrSoFar()).overflow).toBe(0);
    w.run.proc.kill('SIGTERM');
    expect((await w.run.done).code).toBe(0);
    expect(alive(child)).toBe(false);
  });

  it('--min-uptime 30d: every short run is an early exit, so the retry limit halts (80)', async () => {
    const dir = stateDir();
    // The child runs long enough for an overflowing timer (1 ms) to call it healthy.
    const r = await cli(['run', '--min-uptime', '30d', '--backoff-initial', '0', '--state-dir', dir, '--', 'sleep', '0.2']);
    expect(r.code).toBe(80);
    expect(starts(dir)).toBe(5);
    expect(readJson(path.join(dir, 'stop-reason.json')).reason).toBe('RETRY_LIMIT_REACHED');
  });

  it('--interval 30d: one iteration, then an idle wait', async () => {
    const dir = stateDir();
    const w = await watchIdle(dir, ['--mode', 'loop', '--interval', '30d', '--', 'true'], has('waiting'));
    expectIdle(w, dir);
    expect(await stop(w.run)).toBe(0);
  });

  it('--backoff-initial 30d: one failure, then an idle backoff shown 30 days ahead', async () => {
    const dir = stateDir();
    const w = await watchIdle(dir, ['--backoff-initial', '30d', '--backoff-max', '60d', '--backoff-jitter', '0', '--', 'false'], has('backoff'));
    expectIdle(w, dir);
    const next = Date.parse(readJson(path.join(dir, 'heartbeat.json')).nextStartAt) - Date.now();
    expect(Math.abs(next - DAYS_30)).toBeLessThan(60_000);
    expect(await stop(w.run)).toBe(0);
  });

  it('--backoff-max 30d: the capped backoff is an idle wait', async () => {
    const dir = stateDir();
    const w = await watchIdle(dir, ['--backoff-initial', '30d', '--backoff-max', '30d', '--', 'false'], has('backoff'));
    expectIdle(w, dir);
    expect(await stop(w.run)).toBe(0);
  });

  it('--stall-timeout 30d: a silent child is not stalled, the detector sleeps', async () => {
    const dir = stateDir();
    const w = await watchIdle(dir, ['--stall-timeout', '30d', '--', 'sleep', '60'], has('running'));
    expectIdle(w, dir);
    expect(w.stderr).not.toContain('gave no heartbeat');
    expect(await stop(w.run)).toBe(0);
  });

  it('--heartbeat-interval 30d: heartbeat.json is written at transitions only', async () => {
    const dir = stateDir();
    const w = await watchIdle(dir, ['--heartbeat-interval', '30d', '--', 'sleep', '60'], has('running'));
    expectIdle(w, dir);
    expect(await stop(w.run)).toBe(0);
  });

  it('--probe-after 30d: halted, waiting for the probe without running the child', async () => {
    const dir = stateDir();
    const w = await watchIdle(dir, ['--probe-after', '30d', '--max-consecutive-failures', '1', '--', 'false'], has('halted'));
    expectIdle(w, dir);
    expect(await stop(w.run)).toBe(0);
  });

  it('--probe-max 30d: after a failed probe the doubled cooldown is capped at 30d and waited idly', async () => {
    const dir = stateDir();
    // A latch whose 20-day probe is due now, as if the cooldown had passed.
    expect((await cli(['run', '--mode', 'once', '--probe-after', '20d', '--max-consecutive-failures', '1', '--state-dir', dir, '--', 'false'])).code).toBe(80);
    const file = path.join(dir, 'state.json');
    const state = readJson(file);
    state.latch.probe.dueAt = { ...state.latch.probe.dueAt, mono: 0, wall: 0 };
    writeFileSync(file, JSON.stringify(state));
    const probed = (d: string) => has('halted')(d) && starts(d) === 2;
    const w = await watchIdle(dir, ['--probe-after', '20d', '--probe-max', '30d', '--max-consecutive-failures', '1', '--', 'false'], probed);
    expectIdle(w, dir, 2);
    const latch = readJson(file).latch;
    expect(latch.probe.cooldownMs).toBe(DAYS_30);
    expect(await stop(w.run)).toBe(0);
  });

  it('--on-halt-timeout 30d: a 2 s hook runs to its end', async () => {
    const dir = stateDir();
    const mark = path.join(tempDir(), 'hook-done');
    const hook = `sh -c 'sleep 2; touch ${mark}'`;
    const r = await cli(['run', '--mode', 'once', '--max-consecutive-failures', '1', '--on-halt', hook, '--on-halt-timeout', '30d', '--state-dir', dir, '--', 'false']);
    expect(r.code).toBe(80);
    expect(existsSync(mark)).toBe(true);
    expect(r.stderr).toMatch(/--on-halt command "sh" succeeded/);
  });

  it('--within 30d and --spike CLASS:N/30d count failures over the whole window', async () => {
    const common = ['--max-consecutive-failures', '0', '--backoff-initial', '0'];
    const a = stateDir();
    const within = await cli(['run', ...common, '--max-failures', '3', '--within', '30d', '--state-dir', a, '--', 'false']);
    expect(within.code).toBe(80);
    expect(readJson(path.join(a, 'stop-reason.json')).rule).toBe('max-failures 3 within 30d');
    const b = stateDir();
    const spike = await cli(['run', ...common, '--max-failures', '0', '--spike', 'exit:1:3/30d', '--state-dir', b, '--', 'false']);
    expect(spike.code).toBe(80);
    expect(readJson(path.join(b, 'stop-reason.json')).rule).toBe('spike exit:1:3/30d');
  });

  it('--wait-lock 30d: waits idly for the holder, then runs', async () => {
    const dir = stateDir();
    const holder = start(['run', '--state-dir', dir, '--', 'sleep', '60']);
    await waitFor(() => has('running')(dir), 20_000, 'the holder');
    const waiter = start(['run', '--mode', 'once', '--wait-lock', '30d', '--state-dir', dir, '--', 'true']);
    await waitFor(() => waiter.stderrSoFar().includes('waiting up to 30d'), 20_000, 'the waiter');
    const before = cpuTicks(waiter.proc.pid!);
    await new Promise((r) => setTimeout(r, 3000));
    // It polls the lock five times a second: cheap, but not free.
    expect(cpuTicks(waiter.proc.pid!) - before).toBeLessThan(IDLE_TICKS);
    expect(waiter.proc.exitCode).toBeNull();
    expect(await stop(holder)).toBe(0);
    const r = await waiter.done;
    expect(r.code).toBe(0);
    expect(quietLog(r.stderr).overflow).toBe(0);
  });

  // Not a flag, but a duration from outside: systemd's WatchdogSec= of 60 days asks for a ping every 30.
  it.skipIf(!canNotify && !process.env.CI)('WATCHDOG_USEC of 60 days: no ping storm, the wrapper idle', async () => {
    const sock = await notifySocket();
    try {
      const dir = stateDir();
      const run = start(['run', '--state-dir', dir, '--', 'sleep', '60'], { env: { NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: String(2 * DAYS_30 * 1000) } });
      await waitFor(() => has('running')(dir), 20_000, 'the child');
      const before = cpuTicks(run.proc.pid!);
      await new Promise((r) => setTimeout(r, 3000));
      expect(cpuTicks(run.proc.pid!) - before).toBeLessThan(IDLE_TICKS);
      expect(pings(sock.messages)).toHaveLength(0);
      expect(await stop(run)).toBe(0);
      expect(quietLog((await run.done).stderr).overflow).toBe(0);
    } finally {
      sock.close();
    }
  });

  it('unit --kill-timeout 30d: TimeoutStopSec= above it', async () => {
    const r = await cli(['unit', 'job', '--kill-timeout', '30d', '--', 'true']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`TimeoutStopSec=${DAYS_30 / 1000 + 15}`);
  });
});

describe('the longest duration', () => {
  it('1y is accepted (the timers chain up to it)', async () => {
    const r = await cli(['run', '--mode', 'once', '--timeout', '1y', '--kill-timeout', '1y', '--state-dir', stateDir(), '--', 'true']);
    expect(r.code).toBe(0);
  });

  it.each(['2y', '366d', '1e300', 'Infinity', '99999999999999999999', '-1s'])('--timeout %s is refused with one line, exit 64', async (v) => {
    const r = await cli(['run', '--mode', 'once', `--timeout=${v}`, '--state-dir', stateDir(), '--', 'true']);
    expect(r.code).toBe(64);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^safehalt: --timeout: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the same bound holds for an environment variable and a config file', async () => {
    const env = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'true'], { env: { SAFEHALT_MAX_RUNTIME: '2y' } });
    expect(env.code).toBe(64);
    expect(env.stderr).toMatch(/--max-runtime: .*more than a year/);
    const config = path.join(tempDir(), 'c.json');
    writeFileSync(config, JSON.stringify({ 'kill-timeout': 1e300 }));
    const file = await cli(['run', '--mode', 'once', '--config', config, '--state-dir', stateDir(), '--', 'true']);
    expect(file.code).toBe(64);
    expect(file.stderr).toMatch(/--kill-timeout: expected a duration/);
  });
});
