// The runner on a fake clock, with a fake child: the timing cases of a run without a process or a
// real second passing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/config.ts';
import { freshMemory } from '../../src/policy/memory.ts';
import { Runner, type Edges } from '../../src/machine/runner.ts';
import { initialState } from '../../src/machine/step.ts';
import type { MachineConfig } from '../../src/machine/types.ts';
import { at } from '../policy/helpers.ts';
import { VirtualQueue } from '../helpers/virtual-time.ts';

/** Virtual time: timers fire in order as advance() moves the clock. */
class FakeClock extends VirtualQueue {
  constructor() {
    super(1000);
  }
  now = () => at(this.t);
  timers = {
    set: (ms: number, fn: () => void) => this.add(ms, fn),
    clear: (h: unknown) => this.remove(h),
  };
  get armed() {
    return this.size;
  }
}

const cfg = (over: Partial<MachineConfig> = {}): MachineConfig => ({
  ...DEFAULT_POLICY,
  mode: 'loop',
  backoffInitialMs: 1000,
  backoffJitter: 0,
  killTimeoutMs: 5000,
  actionGraceMs: 5000,
  probeAfterMs: 0,
  probeMaxMs: 0,
  stallTimeoutMs: 0,
  ...over,
});

function harness(c: MachineConfig, edges: Partial<Edges> = {}) {
  const clock = new FakeClock();
  const log: string[] = [];
  const spawned: number[] = [];
  const signals: string[] = [];
  const runner: Runner = new Runner(c, initialState(freshMemory('job'), clock.now()), {
    clock,
    timers: clock.timers,
    spawn: (i) => spawned.push(i),
    signalGroup: (pid, sig) => signals.push(`${pid} ${sig} @${clock.t}`),
    saveMemory: () => undefined,
    writeStopReason: (e) => log.push(`stop-reason ${e.reason} ${e.exitCode}${e.waited ? ` waited ${e.waited.action} ${e.waited.ms}ms ${e.waited.ended}` : ''}`),
    appendEvent: (name) => log.push(`event ${name}`),
    log: (level, text) => log.push(`${level} ${text}`),
    announce: () => undefined,
    runHook: async (reason) => void log.push(`hook ${reason}`),
    ...edges,
  });
  return { clock, log, spawned, signals, runner };
}

describe('runner on a fake clock', () => {
  it('loop mode: a failure backs off for exactly the backoff, then the next iteration starts', () => {
    const h = harness(cfg());
    h.runner.deliver({ type: 'lock-acquired', orphanPid: null });
    expect(h.spawned).toEqual([1]);
    h.runner.deliver({ type: 'child-started', pid: 500 });
    h.runner.deliver({ type: 'child-exited', code: 1, signal: null, stderrTail: '', cost: 0, progress: null, jitter: 0.5 });
    expect(h.runner.state.phase).toBe('backoff');
    h.clock.advance(999);
    expect(h.spawned).toEqual([1]);
    h.clock.advance(1);
    expect(h.spawned).toEqual([1, 2]);
  });

  it('a Retry-After in the stderr tail, or the child report, makes the backoff at least that long', () => {
    for (const [tail, report, wait] of [['< retry-after: 20\n', null, 20_000], ['', 7000, 7000], ['retry-after: 600', null, 30_000]] as const) {
      const h = harness(cfg({ backoffMaxMs: 30_000 }));
      h.runner.deliver({ type: 'lock-acquired', orphanPid: null });
      h.runner.deliver({ type: 'child-started', pid: 500 });
      h.runner.deliver({ type: 'child-exited', code: 22, signal: null, stderrTail: tail, cost: 0, progress: null, jitter: 0.5, retryAfterMs: report });
      h.clock.advance(wait - 1);
      expect(h.spawned).toEqual([1]);
      h.clock.advance(1);
      expect(h.spawned).toEqual([1, 2]);
    }
  });

  it('SIGTERM while an action is in flight: held for --action-grace, then SIGTERM, then SIGKILL after --kill-timeout', async () => {
    const h = harness(cfg());
    h.runner.deliver({ type: 'lock-acquired', orphanPid: null });
    h.runner.deliver({ type: 'child-started', pid: 500 });
    h.runner.deliver({ type: 'action', name: 'charge card 42' });
    h.runner.deliver({ type: 'signal', signal: 'SIGTERM' });
    expect(h.runner.state.phase).toBe('holding');
    h.clock.advance(4999);
    expect(h.signals).toEqual([]);
    h.clock.advance(1);
    expect(h.signals).toEqual(['500 SIGTERM @6000']);
    h.clock.advance(5000);
    expect(h.signals).toEqual(['500 SIGTERM @6000', '500 SIGKILL @11000']);
    h.runner.deliver({ type: 'child-exited', code: null, signal: 'SIGKILL', stderrTail: '', cost: 0, progress: null, jitter: 0.5 });
    expect(await h.runner.done).toBe(0);
    expect(h.log).toContain('stop-reason SIGNAL 0 waited charge card 42 5000ms grace-expired');
    expect(h.log.find((l) => l.startsWith('info stopped'))).toContain('the child was killed (SIGKILL)');
    expect(h.clock.armed).toBe(0);
  });

  it('the action ends first: SIGTERM at once, the wait told in the stop reason; a second SIGTERM would not wait', async () => {
    const h = harness(cfg());
    h.runner.deliver({ type: 'lock-acquired', orphanPid: null });
    h.runner.deliver({ type: 'child-started', pid: 500 });
    h.runner.deliver({ type: 'action', name: 'send mail' });
    h.runner.deliver({ type: 'signal', signal: 'SIGINT' });
    h.clock.advance(1200);
    h.runner.deliver({ type: 'action', name: null });
    expect(h.signals).toEqual(['500 SIGINT @2200']);
    h.runner.deliver({ type: 'child-exited', code: 0, signal: null, stderrTail: '', cost: 0, progress: null, jitter: 0.5 });
    expect(await h.runner.done).toBe(0);
    expect(h.log).toContain('stop-reason SIGNAL 0 waited send mail 1200ms action-ended');

    const k = harness(cfg());
    k.runner.deliver({ type: 'lock-acquired', orphanPid: null });
    k.runner.deliver({ type: 'child-started', pid: 600 });
    k.runner.deliver({ type: 'action', name: 'send mail' });
    k.runner.deliver({ type: 'signal', signal: 'SIGTERM' });
    k.runner.deliver({ type: 'signal', signal: 'SIGTERM' });
    expect(k.signals).toEqual(['600 SIGKILL @1000']);
    expect(k.log).toContain('event escalated');
  });

  it('a failed save of the memory stops the child and ends with 78, no timer left', async () => {
    let fail = false;
    const h = harness(cfg({ mode: 'service', minUptimeMs: 1000 }), {
      saveMemory: () => {
        if (fail) throw new Error('the disk is full');
      },
    });
    h.runner.deliver({ type: 'lock-acquired', orphanPid: null });
    h.runner.deliver({ type: 'child-started', pid: 500 });
    h.runner.deliver({ type: 'child-exited', code: 1, signal: null, stderrTail: '', cost: 0, progress: null, jitter: 0.5 });
    h.clock.advance(1000);
    h.runner.deliver({ type: 'child-started', pid: 501 });
    fail = true;
    h.clock.advance(1000); // min-uptime: the reset of the consecutive count cannot be saved
    expect(h.signals).toEqual(['501 SIGTERM @3000']);
    h.runner.deliver({ type: 'child-exited', code: 0, signal: 'SIGTERM', stderrTail: '', cost: 0, progress: null, jitter: 0.5 });
    expect(await h.runner.done).toBe(78);
    expect(h.log.some((l) => l.startsWith('error cannot write state.json: the disk is full'))).toBe(true);
    expect(h.clock.armed).toBe(0);
  });

  it('a halt runs the hook to its end before the exit', async () => {
    const order: string[] = [];
    const h = harness(cfg({ mode: 'once', maxConsecutiveFailures: 1 }), {
      runHook: () => new Promise<void>((r) => setTimeout(() => (order.push('hook'), r()), 20)),
    });
    h.runner.deliver({ type: 'lock-acquired', orphanPid: null });
    h.runner.deliver({ type: 'child-started', pid: 500 });
    h.runner.deliver({ type: 'child-exited', code: 3, signal: null, stderrTail: '', cost: 0, progress: null, jitter: 0.5 });
    const code = await h.runner.done;
    order.push(`exit ${code}`);
    expect(order).toEqual(['hook', 'exit 80']);
  });
});
