// What to do after a run ended: pure over the updated memory, the outcome's class, usage and the clock.
import { backoffDelay } from './backoff.ts';
import { checkBudgets, type Usage } from './budgets.ts';
import type { Stamp } from './clock.ts';
import type { PolicyConfig } from './config.ts';
import type { Memory } from './memory.ts';
import { checkProgress } from './progress.ts';
import { checkFailureRules, type Trip } from './rules.ts';
import { haltExitCode } from './stop-reasons.ts';
import type { Outcome } from './classify.ts';
import { EXIT, signalStatus } from '../exit-codes.ts';
import { hintedDelay, type RetryHint } from './retry-hint.ts';

export type Decision =
  | { kind: 'halt'; trip: Trip; exitCode: number }
  | { kind: 'finish'; reason: 'COMPLETED' | 'TIMEOUT'; exitCode: number }
  | { kind: 'continue'; delayMs: number; restart: boolean; retryAfter?: RetryHint };

export interface RunContext {
  cls: string | null;
  outcome: Outcome;
  /** Iterations completed by this wrapper process (loop mode budget). */
  iterationsThisRun: number;
  usage: Usage;
  now: Stamp;
  random: () => number;
  /** The failed run asked to be retried no sooner than this (policy/retry-hint.ts). */
  retryHint?: RetryHint | null;
}

const halt = (trip: Trip): Decision => ({ kind: 'halt', trip, exitCode: haltExitCode(trip.reason) });

/** The once-mode exit status: the child's code, 128+signal, 124 for a timeout (as timeout(1)). */
export function childStatus(o: Outcome, signals: Record<string, number>): number {
  if (o.cause === 'timeout') return EXIT.TIMEOUT;
  if (o.code !== null) return o.code;
  return signalStatus(o.signal ? (signals[o.signal] ?? 0) : 0);
}

export function decideAfterRun(m: Memory, ctx: RunContext, cfg: PolicyConfig, signals: Record<string, number>): Decision {
  // A failure first answers to the failure rules: a spike or a run of failures halts.
  if (ctx.cls !== null) {
    const trip = checkFailureRules(m, ctx.now, cfg);
    if (trip) return halt(trip);
  }
  // Successful or not, a job that reports no progress, or cycles, halts.
  const stuck = checkProgress(m, cfg);
  if (stuck) return halt(stuck);
  if (cfg.mode === 'once') {
    const budget = checkBudgets({ ...ctx.usage, restarts: 0 }, cfg);
    if (budget) return halt(budget);
    const status = childStatus(ctx.outcome, signals);
    return { kind: 'finish', reason: ctx.outcome.cause === 'timeout' ? 'TIMEOUT' : 'COMPLETED', exitCode: status };
  }
  if (ctx.cls === null && cfg.mode === 'loop' && cfg.maxIterations > 0 && ctx.iterationsThisRun >= cfg.maxIterations)
    return { kind: 'finish', reason: 'COMPLETED', exitCode: 0 };
  if (ctx.cls === null && cfg.mode === 'service' && cfg.restart === 'on-failure')
    return { kind: 'finish', reason: 'COMPLETED', exitCode: 0 };
  // What comes next is a restart (service mode, or a failed iteration): budgets are checked before
  // it; a restart budget that is used up stops the restart it would take.
  const restart = cfg.mode === 'service' || ctx.cls !== null;
  const budget = checkBudgets(restart ? ctx.usage : { ...ctx.usage, restarts: 0 }, cfg);
  if (budget) return halt(budget);
  const exp = ctx.cls === null ? 0 : backoffDelay(m.consecutiveFailures, cfg, ctx.random);
  // A retry hint of the failed run makes the wait at least that long, within --backoff-max.
  const hint = ctx.cls === null ? null : (ctx.retryHint ?? null);
  const backoff = hintedDelay(exp, hint, cfg.backoffMaxMs);
  const delayMs = cfg.mode === 'loop' ? Math.max(cfg.intervalMs, backoff) : backoff;
  return hint && backoff > exp ? { kind: 'continue', delayMs, restart, retryAfter: hint } : { kind: 'continue', delayMs, restart };
}
