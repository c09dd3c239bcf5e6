// The one-line STATUS= of each phase, and when systemd asks for watchdog pings.
import { describe, expect, it } from 'vitest';
import { freshMemory, type Memory } from '../../src/policy/memory.ts';
import type { Phase, Snapshot } from '../../src/supervisor/bus.ts';
import { statusLine } from '../../src/integrations/status-line.ts';
import { watchdogPeriodMs } from '../../src/integrations/notify.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const stamp = { mono: 1, boot: 'b', wall: now };
const failing: Memory = { ...freshMemory('j'), consecutiveFailures: 2, failures: 5, lastExit: { at: stamp, code: 1, signal: null, cls: 'transport' } };
const halted: Memory = { ...failing, latch: { reason: 'FAILURE_SPIKE', rule: 'spike transport:3/2m', message: '3 transport failures within 2m (limit 3)', exitCode: 80, at: stamp } };

const snap = (phase: Phase, o: Partial<Snapshot> = {}): Snapshot => ({
  phase, iteration: 4, childPid: 321, childStartedAt: null, memory: freshMemory('j'), nextStartAt: null, detail: null, ...o,
});
const later = (ms: number) => new Date(now + ms).toISOString();

describe('statusLine', () => {
  it.each<[string, Snapshot, string]>([
    ['starting', snap('starting'), 'starting'],
    ['running', snap('running'), 'running iteration 4 (pid 321)'],
    ['running after failures', snap('running', { memory: failing }), 'running iteration 4 (pid 321); 2 failures in a row, 5 in all (last: transport)'],
    ['orphan', snap('running', { detail: 'orphan' }), 'waiting for the previous child (pid 321) to exit'],
    ['stalled', snap('running', { detail: 'stalled' }), 'stalled: no heartbeat from iteration 4 (pid 321); stopping it'],
    ['backoff', snap('backoff', { memory: failing, childPid: null, nextStartAt: later(4000) }), 'backoff: restarting in 4s; 2 failures in a row, 5 in all (last: transport)'],
    ['waiting', snap('waiting', { childPid: null, nextStartAt: later(90_000) }), 'waiting: iteration 4 starts in 1.5m'],
    ['paused', snap('paused', { detail: 'db migration' }), 'paused (db migration): safehalt resume to continue'],
    ['paused, no reason', snap('paused'), 'paused: safehalt resume to continue'],
    ['stopping', snap('stopping', { detail: 'STOP_FILE' }), 'stopping: STOP_FILE'],
    ['stopped', snap('stopped', { detail: 'COMPLETED' }), 'stopped: COMPLETED'],
    ['halted', snap('halted', { memory: halted, detail: 'FAILURE_SPIKE' }), 'HALTED FAILURE_SPIKE: 3 transport failures within 2m (limit 3); to resume: safehalt resume --state-dir /var/lib/safehalt/j --reason "what was fixed"'],
  ])('%s', (_what, s, line) => {
    expect(statusLine(s, '/var/lib/safehalt/j', now)).toBe(line);
  });
});

describe('watchdogPeriodMs', () => {
  it.each<[NodeJS.ProcessEnv, number | null]>([
    [{}, null],
    [{ WATCHDOG_USEC: '30000000' }, 15_000],
    [{ WATCHDOG_USEC: '1000000', WATCHDOG_PID: '42' }, 500],
    [{ WATCHDOG_USEC: '1000000', WATCHDOG_PID: '43' }, null],
    [{ WATCHDOG_USEC: '0' }, null],
    [{ WATCHDOG_USEC: 'soon' }, null],
  ])('%j → %s', (env, period) => {
    expect(watchdogPeriodMs(env, 42)).toBe(period);
  });
});
