// The durable failure memory of a job (state.json's content) and the pure updates applied to it.
import { clip } from '../util/clip.ts';
import type { Stamp } from './clock.ts';
import type { SpikeRule } from './config.ts';
import { retain } from './ring.ts';

export { FAILURE_RING } from './ring.ts';
export const STATE_SCHEMA = 1;
export const TOKEN_RING = 16;

export interface FailureRecord {
  at: Stamp;
  cls: string;
  code: number | null;
  signal: string | null;
  durationMs: number;
  stderrTail: string;
  iteration: number;
  /** The phrase (or exit code) that placed it in a built-in class (policy/builtin-classes.ts). */
  matched?: string;
}

export type HaltReason =
  | 'FAILURE_SPIKE'
  | 'RETRY_LIMIT_REACHED'
  | 'BUDGET_EXCEEDED'
  | 'NO_PROGRESS'
  | 'LOOP_DETECTED';

export interface Latch {
  reason: HaltReason;
  rule: string;
  message: string;
  exitCode: number;
  at: Stamp;
  /** Half-open probe: when the next probe is due, and the cooldown in force. */
  probe?: { dueAt: Stamp; cooldownMs: number };
  /** Starts refused since the halt (cron ticks): a refusal under --quiet is reported only once. */
  refusals?: number;
}

export interface Memory {
  schema: number;
  name: string;
  runs: number;
  iterations: number;
  successes: number;
  failures: number;
  restarts: number;
  consecutiveFailures: number;
  classCounts: Record<string, number>;
  recent: FailureRecord[];
  /** Failures before this moment do not count in windows (set by resume). */
  windowFrom: Stamp | null;
  latch: Latch | null;
  /** Cost reported by the child, in total (from child-heartbeat.json). */
  costTotal: number;
  /** Restarts and cost at the last resume: budgets count what came after. */
  budgetBase: { restarts: number; cost: number };
  progress: { tokens: string[]; unchanged: number };
  lastExit: { at: Stamp; code: number | null; signal: string | null; cls: string | null } | null;
  lastSuccessAt: Stamp | null;
  /** SAFEHALT_ITERATION of the last run that ended, whatever ended it (a stopped service run too):
   *  the next run is this + 1, in this wrapper or the next. Absent in files from before it existed. */
  lastIteration?: number;
}

/** The iteration number of the next run. */
export const nextIteration = (m: Memory): number => Math.max(m.lastIteration ?? 0, m.iterations + m.failures) + 1;

export function freshMemory(name: string): Memory {
  return {
    schema: STATE_SCHEMA,
    name,
    runs: 0,
    iterations: 0,
    successes: 0,
    failures: 0,
    restarts: 0,
    consecutiveFailures: 0,
    classCounts: {},
    recent: [],
    windowFrom: null,
    latch: null,
    costTotal: 0,
    budgetBase: { restarts: 0, cost: 0 },
    progress: { tokens: [], unchanged: 0 },
    lastExit: null,
    lastSuccessAt: null,
  };
}

/** Fold in a failure; `spikes` says which classes' records must be kept for their rules (policy/ring.ts). */
export function recordFailure(m: Memory, f: FailureRecord, spikes: readonly SpikeRule[] = []): Memory {
  const recent = retain([...m.recent, f], spikes);
  return {
    ...m,
    runs: m.runs + 1,
    failures: m.failures + 1,
    consecutiveFailures: m.consecutiveFailures + 1,
    classCounts: { ...m.classCounts, [f.cls]: (m.classCounts[f.cls] ?? 0) + 1 },
    recent,
    lastExit: { at: f.at, code: f.code, signal: f.signal, cls: f.cls },
  };
}

export function recordSuccess(m: Memory, at: Stamp, code: number | null, signal: string | null): Memory {
  return {
    ...m,
    runs: m.runs + 1,
    successes: m.successes + 1,
    iterations: m.iterations + 1,
    consecutiveFailures: 0,
    lastExit: { at, code, signal, cls: null },
    lastSuccessAt: at,
  };
}

/** A service run that outlived --min-uptime while still running resets the consecutive count: a success now. */
export const markHealthy = (m: Memory, at?: Stamp): Memory => ({ ...m, consecutiveFailures: 0, lastSuccessAt: at ?? m.lastSuccessAt });

/** A run cut short on request (stop, signal, budget) counts as a run; a service run that was healthy is a success then. */
export const recordStopped = (m: Memory, at: Stamp, healthy: boolean): Memory => ({
  ...m,
  runs: m.runs + 1,
  lastSuccessAt: healthy ? at : m.lastSuccessAt,
});

export const countRestart = (m: Memory): Memory => ({ ...m, restarts: m.restarts + 1 });

/** Bounds of a latch's texts, as state.json's reader checks them (a message may quote progress tokens). */
export const LATCH_RULE_MAX = 500;
export const LATCH_MESSAGE_MAX = 2000;

export const latch = (m: Memory, l: Latch): Memory => ({
  ...m,
  latch: { ...l, rule: clip(l.rule, LATCH_RULE_MAX), message: clip(l.message, LATCH_MESSAGE_MAX) },
});

/** A deliberate resume: clear the latch, the consecutive count and the window, keep the history. */
export const clearLatch = (m: Memory, at: Stamp): Memory => ({
  ...m,
  latch: null,
  consecutiveFailures: 0,
  windowFrom: at,
  budgetBase: { restarts: m.restarts, cost: m.costTotal },
  progress: { tokens: [], unchanged: 0 },
});
