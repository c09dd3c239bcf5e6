// A model run of the machine: intents become events the way the runner would deliver them (timers
// only when armed and due, on a virtual clock; a child's exit only while one runs), and a reference
// model that forgets nothing says what the halt rules must do.
import fc from 'fast-check';
import { DEFAULT_POLICY } from '../../src/policy/config.ts';
import { freshMemory, latch, type Memory } from '../../src/policy/memory.ts';
import { FAILURE_RING } from '../../src/policy/ring.ts';
import { initialState, step } from '../../src/machine/step.ts';
import type { Effect, Event, MachineConfig, MachineState, Step, TimerName } from '../../src/machine/types.ts';
import { at } from '../policy/helpers.ts';

export type Intent =
  | { k: 'advance'; ms: number }
  | { k: 'start'; pid: number }
  | { k: 'spawn-fail' }
  | { k: 'exit'; code: number | null; signal: string | null; transport: boolean }
  | { k: 'signal'; signal: 'SIGTERM' | 'SIGINT' | 'SIGHUP' }
  | { k: 'stop'; now: boolean }
  | { k: 'pause'; present: boolean }
  | { k: 'resume' }
  | { k: 'action'; name: string | null }
  | { k: 'write-failed' }
  | { k: 'lock'; busy: boolean; orphan: boolean }
  | { k: 'orphan-gone' };

/** Work (time passes, children start and exit, actions) far more often than requests from outside. */
const work: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 200_000 })) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('start' as const), pid: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 2, max: 99_999 }) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 1 }) }) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'spawn-fail' as const }) },
  { weight: 8, arbitrary: fc.record({ k: fc.constant('exit' as const), code: fc.oneof(fc.constant(0), fc.constant(1), fc.constant(null)), signal: fc.constantFrom('SIGKILL', 'SIGSEGV', 'SIGTERM'), transport: fc.boolean() }).map((x) => (x.code === null ? x : { ...x, signal: null })) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('action' as const), name: fc.option(fc.constantFrom('charge card 42', 'send mail'), { nil: null }) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'orphan-gone' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('lock' as const), busy: fc.boolean(), orphan: fc.boolean() }).map((l) => ({ ...l, busy: l.busy && l.orphan })) },
);
const request: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('signal' as const), signal: fc.constantFrom('SIGTERM' as const, 'SIGINT' as const, 'SIGHUP' as const) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('stop' as const), now: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('pause' as const), present: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ k: 'resume' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'write-failed' as const }) },
);
export const intent: fc.Arbitrary<Intent> = fc.oneof({ weight: 40, arbitrary: work }, { weight: 1, arbitrary: request });

export const config: fc.Arbitrary<MachineConfig> = fc
  .record({
    mode: fc.constantFrom('service' as const, 'service' as const, 'loop' as const, 'loop' as const, 'once' as const),
    minUptimeMs: fc.constantFrom(0, 1000, 10_000),
    intervalMs: fc.constantFrom(0, 500),
    timeoutMs: fc.constantFrom(0, 3000),
    spikeN: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: FAILURE_RING }), fc.integer({ min: 30, max: FAILURE_RING })),
    maxFailures: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: FAILURE_RING }), fc.integer({ min: 30, max: FAILURE_RING })),
    withinMs: fc.constantFrom(60_000, 600_000),
    maxConsecutiveFailures: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 20, max: 60 })),
    actionGraceMs: fc.constantFrom(0, 2000, 10_000),
    probeAfterMs: fc.constantFrom(0, 5000),
  })
  .map((c) => ({
    ...DEFAULT_POLICY,
    mode: c.mode,
    minUptimeMs: c.minUptimeMs,
    intervalMs: c.intervalMs,
    timeoutMs: c.timeoutMs,
    backoffInitialMs: 100,
    backoffMaxMs: 1000,
    spikes: [{ cls: 'transport', count: c.spikeN, withinMs: 120_000 }],
    maxFailures: c.maxFailures,
    withinMs: c.withinMs,
    maxConsecutiveFailures: c.maxConsecutiveFailures,
    loopRepeats: 0,
    killTimeoutMs: 1000,
    actionGraceMs: c.actionGraceMs,
    probeAfterMs: c.probeAfterMs,
    probeMaxMs: 20_000,
    stallTimeoutMs: 0,
  }));

export interface Trace {
  before: MachineState;
  event: Event;
  after: Step;
  now: number;
}

/** Deliver the intents, firing armed timers as virtual time passes; call `check` after every step. */
export function run(cfg: MachineConfig, latched: boolean, intents: Intent[], check: (t: Trace) => void): MachineState {
  let memory: Memory = freshMemory('job');
  if (latched) memory = latch(memory, { reason: 'RETRY_LIMIT_REACHED', rule: 'max-consecutive-failures 5', message: '5 in a row', exitCode: 80, at: at(0) });
  let t = 1000;
  let s = initialState(memory, at(t));
  const armed = new Map<TimerName, number>();
  const deliver = (event: Event) => {
    const before = s;
    const after = step(s, event, at(t), cfg);
    for (const e of after.effects) track(e, armed, t);
    s = after.state;
    check({ before, event, after, now: t });
  };
  for (const i of intents) {
    if (s.phase === 'done') break;
    if (s.phase === 'locking' && i.k !== 'signal' && i.k !== 'stop' && i.k !== 'pause') {
      deliver(i.k === 'lock' && i.busy ? { type: 'lock-busy' } : { type: 'lock-acquired', orphanPid: i.k === 'lock' && i.orphan ? 4242 : null });
      continue;
    }
    const e = toEvent(i, s);
    // An intent that means nothing now lets a second pass instead, so that armed timers fire.
    if (i.k === 'advance' || !e) {
      const until = t + (i.k === 'advance' ? i.ms : 1000);
      for (let next = due(armed, until); next; next = due(armed, until)) {
        t = Math.max(t, next[1]);
        armed.delete(next[0]);
        deliver({ type: 'timer', timer: next[0] });
        if ((s.phase as string) === 'done') return s;
      }
      t = until;
    } else deliver(e);
  }
  return s;
}

function toEvent(i: Intent, s: MachineState): Event | null {
  switch (i.k) {
    case 'start':
      return s.phase === 'spawning' ? { type: 'child-started', pid: i.pid } : null;
    case 'spawn-fail':
      return s.phase === 'spawning' ? { type: 'spawn-failed', code: 127, error: 'spawn /nope ENOENT' } : null;
    case 'exit':
      return s.child ? { type: 'child-exited', code: i.code, signal: i.signal, stderrTail: i.transport ? 'connect ECONNREFUSED 127.0.0.1:5432\n' : '', cost: 0, progress: null, jitter: 0.5 } : null;
    case 'signal':
      return { type: 'signal', signal: i.signal };
    case 'stop':
      return { type: 'stop-file', now: i.now };
    case 'pause':
      return { type: 'pause-file', present: i.present };
    case 'resume':
      return { type: 'resume-file' };
    case 'action':
      return s.child ? { type: 'action', name: i.name } : null;
    case 'write-failed':
      return { type: 'write-failed', file: 'state.json', message: 'the disk is full' };
    case 'orphan-gone':
      return s.phase === 'orphan' ? { type: 'orphan-gone' } : null;
    default:
      return null;
  }
}

function track(e: Effect, armed: Map<TimerName, number>, t: number): void {
  if (e.type === 'arm') armed.set(e.timer, t + e.ms);
  if (e.type === 'cancel') armed.delete(e.timer);
}

function due(armed: Map<TimerName, number>, until: number): [TimerName, number] | null {
  let best: [TimerName, number] | null = null;
  for (const [k, v] of armed) if (v <= until && (!best || v < best[1])) best = [k, v];
  return best;
}
