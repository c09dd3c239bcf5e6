// The end of one run: classify it, fold it into the memory, and let the policy decide: halt, finish,
// or the next start after a backoff or the interval. A run the wrapper cut short on request is
// neither a success nor a failure: the boundary says what is next.
import { explain, type Outcome } from '../policy/classify.ts';
import { retryHint } from '../policy/retry-hint.ts';
import { checkBudgets } from '../policy/budgets.ts';
import { costSince } from '../policy/cost.ts';
import { childStatus, decideAfterRun } from '../policy/decide.ts';
import { clearLatch, countRestart, recordFailure, recordSuccess, type Memory } from '../policy/memory.ts';
import { afterFailedProbe, probeWait } from '../policy/probe.ts';
import { recordToken } from '../policy/progress.ts';
import { EXIT } from '../exit-codes.ts';
import { boundary, usage } from './boundary.ts';
import { enter, fatalExit, finish, halt } from './finish.ts';
import { releaseHold } from './requests.ts';
import type { Effect, Event, MachineConfig, MachineState, Now, Step } from './types.ts';

type Exited = Extract<Event, { type: 'child-exited' }>;

/** Signal numbers for 128+n: the ones a test or a runner may meet (os.constants.signals in the runner). */
export const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

function fold(s: MachineState, o: Outcome, e: Exited, cls: string | null, now: Now, cfg: MachineConfig, matched?: string): Memory {
  let m = cls === null
    ? recordSuccess(s.memory, now, o.code, o.signal)
    : recordFailure(s.memory, { at: now, cls, code: o.code, signal: o.signal, durationMs: o.durationMs, stderrTail: o.stderrTail, iteration: s.iteration, ...(matched === undefined ? {} : { matched }) }, cfg.spikes);
  m = { ...m, costTotal: costSince(Math.max(m.costTotal, e.cost), 0) };
  if (cfg.noProgressAfter > 0 || (cfg.loopRepeats > 0 && e.progress !== null)) m = recordToken(m, e.progress ?? undefined, cfg);
  return { ...m, lastIteration: s.iteration };
}

const exitedEvent = (s: MachineState, o: Outcome, cls: string | null, m: Memory): Effect => ({
  type: 'event',
  name: 'exited',
  fields: { iteration: s.iteration, code: o.code, signal: o.signal, durationMs: o.durationMs, class: cls, cause: o.cause ?? null, consecutiveFailures: m.consecutiveFailures },
});

export function childExited(s0: MachineState, e: Exited, now: Now, cfg: MachineConfig): Step {
  const child = s0.child!;
  const o: Outcome = { code: e.code, signal: e.signal, durationMs: Math.round(now.mono - child.startedMono), stderrTail: e.stderrTail, cause: child.cause ?? undefined };
  const cancel: Effect[] = (['kill', 'timeout', 'runtime', 'min-uptime', 'stall', 'action-grace'] as const).map((timer) => ({ type: 'cancel', timer }));
  // A child that exits while a stop waits for its action ends the wait too.
  const held = s0.phase === 'holding' ? releaseHold(s0, now, 'child-exited') : s0;
  const s: MachineState = { ...held, child: null, killedLast: child.killed, action: null, holdSinceMono: null };
  if (s.fatal) return prepend(cancel, fatalExit(s, s.fatal));
  if (o.cause === 'stopped' || o.cause === 'budget') {
    const memory = { ...s.memory, lastIteration: s.iteration };
    const next = { ...s, memory, iteration: s.iteration + 1 };
    const effects: Effect[] = [...cancel, exitedEvent(s, o, null, memory), { type: 'save-memory', memory }];
    const trip = o.cause === 'budget' ? checkBudgets(usage(next, now), cfg) : null;
    return prepend(effects, trip ? halt(next, trip, EXIT.HALT_BUDGET, now, cfg) : boundary(next, now, cfg));
  }
  const verdict = explain(o, cfg);
  const cls = verdict?.cls ?? null;
  let m = fold(s, o, e, cls, now, cfg, verdict?.matched);
  const effects: Effect[] = [...cancel, exitedEvent(s, o, cls, m)];
  let next: MachineState = { ...s, iteration: s.iteration + 1, iterationsThisRun: s.iterationsThisRun + (cls === null ? 1 : 0) };
  if (s.probing && cls !== null) return prepend(effects, probeFailed({ ...next, memory: m }, cls, now, cfg));
  if (s.probing) {
    m = clearLatch(m, now);
    next = { ...next, probing: false };
    effects.push({ type: 'event', name: 'resumed', fields: { by: 'probe', automatic: true } });
  }
  // The jitter comes with the event: the machine draws no random number itself.
  // A retry hint of the failed run (stderr tail, or the child's report) lengthens the backoff.
  const hint = cls === null ? null : retryHint(o.stderrTail, e.retryAfterMs ?? null, now.wall);
  const ctx = { cls, outcome: o, iterationsThisRun: next.iterationsThisRun, usage: usage({ ...next, memory: m }, now), now, random: () => e.jitter, retryHint: hint };
  const d = decideAfterRun(m, ctx, cfg, SIGNAL_NUMBERS);
  if (d.kind === 'continue' && d.restart) m = countRestart(m);
  next = { ...next, memory: m };
  effects.push({ type: 'save-memory', memory: m });
  if (d.kind === 'halt') return prepend(effects, halt(next, d.trip, d.exitCode, now, cfg));
  if (d.kind === 'finish') {
    const failed = cls !== null && d.reason !== 'TIMEOUT';
    return prepend(effects, finish(next, d.reason, d.exitCode, finishMessage(d.reason, cfg, failed ? cls : null, o), failed));
  }
  if (d.delayMs <= 0 || next.stop || next.paused) return prepend(effects, boundary(next, now, cfg));
  const phase = cls === null ? 'waiting' : 'backoff';
  return prepend(effects, enter(next, phase, [{ type: 'arm', timer: 'next-start', ms: d.delayMs }]));
}

function finishMessage(reason: 'COMPLETED' | 'TIMEOUT', cfg: MachineConfig, failedAs: string | null, o: Outcome): string {
  if (reason === 'TIMEOUT') return 'the run took longer than the timeout and was stopped';
  if (cfg.mode !== 'once') return 'work completed';
  return failedAs ? `the run failed (${failedAs}); exit status ${childStatus(o, SIGNAL_NUMBERS)}` : 'the run succeeded';
}

/** The probe failed: stay latched with the cooldown doubled (up to --probe-max). */
function probeFailed(s: MachineState, cls: string, now: Now, cfg: MachineConfig): Step {
  const l = afterFailedProbe(s.memory.latch!, now, cfg);
  const memory = { ...s.memory, latch: l };
  const next = { ...s, memory, probing: false };
  const message = `probe failed (${cls}); ${l.reason} stays latched`;
  const effects: Effect[] = [
    { type: 'save-memory', memory },
    { type: 'event', name: 'probe-failed', fields: { class: cls, cooldownMs: l.probe!.cooldownMs } },
    { type: 'stop-reason', reason: l.reason, exitCode: l.exitCode, message, rule: l.rule, waited: null },
    { type: 'log', level: 'error', text: message },
  ];
  if (cfg.mode === 'once') return enter(next, 'done', [...effects, { type: 'exit', code: l.exitCode }]);
  return enter(next, 'halted', [...effects, { type: 'arm', timer: 'probe', ms: probeWait(l, now, cfg) }]);
}

export const prepend = (effects: Effect[], step: Step): Step => ({ state: step.state, effects: [...effects, ...step.effects] });
