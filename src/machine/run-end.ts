// The end of one run, the whole decision in one place: classify it, fold it into the memory, and let
// the policy decide: halt, finish, or the next start after a backoff or the interval. A run the
// wrapper cut short on request is neither a success nor a failure: the boundary says what is next.
import { explain, type Outcome } from '../policy/classify.ts';
import { hintReason, retryHint } from '../policy/retry-hint.ts';
import { checkBudgets } from '../policy/budgets.ts';
import { costSince } from '../policy/cost.ts';
import { decideAfterRun, type Decision } from '../policy/decide.ts';
import { countRestart, recordFailure, recordStopped, recordSuccess, type Memory } from '../policy/memory.ts';
import { recordToken } from '../policy/progress.ts';
import { EXIT } from '../exit-codes.ts';
import { formatDuration } from '../util/duration.ts';
import { boundary, runtimeTimer, usage } from './boundary.ts';
import { enter, fatalExit, finish, halt } from './finish.ts';
import { probeFailed, probeSucceeded } from './probe-end.ts';
import { releaseHold, withStop } from './requests.ts';
import { describeRun, endingText } from './words.ts';
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

const TIMERS = ['kill', 'timeout', 'runtime', 'min-uptime', 'stall', 'action-grace'] as const;

export function childExited(s0: MachineState, e: Exited, now: Now, cfg: MachineConfig): Step {
  const child = s0.child!;
  const durationMs = e.durationMs ?? Math.round(now.mono - child.startedMono);
  const o: Outcome = { code: e.code, signal: e.signal, durationMs, stderrTail: e.stderrTail, cause: child.cause ?? undefined };
  const cancel: Effect[] = TIMERS.map((timer) => ({ type: 'cancel', timer }));
  // A child that exits while a stop waits for its action ends the wait too.
  const held = s0.phase === 'holding' ? releaseHold(s0, now, 'child-exited') : s0;
  const told = e.ending === undefined ? {} : { ending: e.ending };
  const s: MachineState = atBoundary({ ...held, ...told, child: null, killedLast: child.killed, action: null, holdSinceMono: null }, e.boundary);
  if (s.fatal) return prepend(cancel, fatalExit(s, s.fatal));
  if (o.cause === 'stopped' || o.cause === 'budget') return prepend(cancel, stoppedRun(s, o, now, cfg));
  const verdict = explain(o, cfg);
  const cls = verdict?.cls ?? null;
  let m = fold(s, o, e, cls, now, cfg, verdict?.matched);
  let next: MachineState = { ...s, iterationsThisRun: s.iterationsThisRun + (cls === null ? 1 : 0) };
  if (s.probing && cls !== null) return prepend(cancel, probeFailed({ ...next, memory: m }, o, cls, now, cfg));
  const effects: Effect[] = [...cancel];
  if (s.probing) {
    const ok = probeSucceeded({ ...next, memory: m }, `run ${s.iteration} ${describeRun(o)}`, now);
    effects.push(...ok.effects);
    next = ok.state;
    m = next.memory;
  }
  // The jitter comes with the event: the machine draws no random number itself. A retry hint of the
  // failed run (stderr tail, or the child's report) lengthens the backoff.
  const hint = cls === null ? null : retryHint(o.stderrTail, e.retryAfterMs ?? null, now.wall);
  const ctx = { cls, outcome: o, iterationsThisRun: next.iterationsThisRun, usage: usage({ ...next, memory: m }, now), now, random: () => e.jitter, retryHint: hint };
  const d = decideAfterRun(m, ctx, cfg, SIGNAL_NUMBERS);
  if (d.kind === 'continue' && d.restart) m = countRestart(m);
  const said = verdict?.matched ? ` on ${JSON.stringify(verdict.matched)}` : '';
  const how = cls === null ? 'success' : `failure ${cls} (${m.consecutiveFailures} in a row, ${m.failures} in all)${said}`;
  effects.push(
    { type: 'save-memory', memory: m },
    { type: 'event', name: 'exited', fields: { iteration: s.iteration, code: o.code, signal: o.signal, durationMs, class: cls, consecutiveFailures: m.consecutiveFailures } },
    { type: 'log', level: cls === null ? 'info' : 'warn', text: `child ${describeRun(o)}: ${how}` },
  );
  return prepend(effects, decided({ ...next, memory: m, iteration: s.iteration + 1 }, d, cls, o, now, cfg));
}

/** What the decision means: halt, finish, or the next start. */
function decided(next: MachineState, d: Decision, cls: string | null, o: Outcome, now: Now, cfg: MachineConfig): Step {
  if (d.kind === 'halt') return halt(next, d.trip, d.exitCode, now, cfg);
  if (d.kind === 'finish') {
    const failed = cls !== null && d.reason !== 'TIMEOUT';
    return finish(next, d.reason, d.exitCode, finishMessage(next, d, cls, cfg), failed);
  }
  // A stop (or pause) that came while the run was being ended: no wait; the boundary tells of that run.
  if (d.delayMs <= 0 || next.stop || next.paused) return boundary(next, now, cfg);
  const why = d.retryAfter ? hintReason(d.retryAfter, cfg.backoffMaxMs) : null;
  // The runtime budget is counted between runs too: it may end the backoff or the interval.
  const arm: Effect[] = [{ type: 'arm', timer: 'next-start', ms: d.delayMs }, ...runtimeTimer(next, now, cfg)];
  if (cls === null) return enter(next, 'waiting', arm, why);
  const until = new Date(now.wall + d.delayMs).toISOString();
  const hinted = d.retryAfter ? { retryAfterMs: d.retryAfter.ms, retryAfterFrom: d.retryAfter.from } : {};
  return enter(next, 'backoff', [
    { type: 'event', name: 'backoff', fields: { delayMs: d.delayMs, until, ...hinted } },
    { type: 'log', level: 'info', text: `restarting in ${formatDuration(d.delayMs)}${why ? ` (${why})` : ''}` },
    ...arm,
  ], why);
}

function finishMessage(s: MachineState, d: Extract<Decision, { kind: 'finish' }>, cls: string | null, cfg: MachineConfig): string {
  if (d.reason === 'TIMEOUT') {
    const told = s.ending !== undefined ? `; ${endingText(s.ending, cfg).replace('the child ', 'it ')}` : ' and was stopped';
    return `the run took longer than the timeout${told}`;
  }
  if (cfg.mode !== 'once') return 'work completed';
  return cls === null ? 'the run succeeded' : `the run failed (${cls}); exit status ${d.exitCode}`;
}

/** A run the wrapper ended on request (stop, pause) or for the runtime budget: counts only, then the boundary. */
function stoppedRun(s: MachineState, o: Outcome, now: Now, cfg: MachineConfig): Step {
  const healthy = cfg.mode === 'service' && o.durationMs >= cfg.minUptimeMs;
  // Only counts (runs, last success): losing them to a failed write never hides a failure.
  const counted = recordStopped(s.memory, now, healthy);
  // Not a success nor a failure, but a run: the next one (here, or in the next wrapper) counts on.
  const memory = { ...counted, lastIteration: s.iteration };
  const next = { ...s, memory, iteration: s.iteration + 1 };
  const effects: Effect[] = [
    { type: 'save-memory', memory: counted, warn: 'state.json not updated after the stop' },
    { type: 'event', name: 'exited', fields: { iteration: s.iteration, code: o.code, signal: o.signal, cause: o.cause } },
    { type: 'save-memory', memory },
  ];
  const trip = o.cause === 'budget' ? checkBudgets(usage(next, now), cfg) : null;
  return prepend(effects, trip ? halt(next, trip, EXIT.HALT_BUDGET, now, cfg) : boundary(next, now, cfg));
}

/** The stop and pause files present at the end of the run: honoured at this boundary, after the run is judged. */
function atBoundary(s: MachineState, b: Exited['boundary']): MachineState {
  if (!b) return s;
  const stop = b.stop ? withStop(s, { kind: b.stop.now ? 'USER_KILLED' : 'STOP_FILE', now: b.stop.now, signal: null, marker: b.stop, ...(b.stop.now ? { byNow: true } : {}) }) : s;
  return { ...stop, paused: b.pause !== null, pauseMarker: b.pause };
}

export const prepend = (effects: Effect[], step: Step): Step => ({ state: step.state, effects: [...effects, ...step.effects] });
