// Which class a run's end belongs to: null for a success, else a failure class name.
import type { PolicyConfig } from './config.ts';
import { boundedTest } from '../util/bounded-regex.ts';
import { builtinClass, PHRASES } from './builtin-classes.ts';

export interface Outcome {
  /** Exit code, or null when the child died of a signal. */
  code: number | null;
  signal: string | null;
  durationMs: number;
  /** Bounded tail of the child's stderr. */
  stderrTail: string;
  /** Why the wrapper ended the run itself, if it did. */
  cause?: 'timeout' | 'stalled' | 'stopped' | 'budget';
}

/** Does the text say the thing the job depends on is down? (the built-in transport class) */
export const isTransportText = (text: string): boolean => PHRASES.transport.test(text);

export function isSuccess(o: Outcome, cfg: Pick<PolicyConfig, 'mode' | 'minUptimeMs'>): boolean {
  if (o.cause === 'timeout' || o.cause === 'stalled') return false;
  if (o.code !== 0) return false;
  return !(cfg.mode === 'service' && o.durationMs < cfg.minUptimeMs);
}

export interface Verdict {
  cls: string;
  /** What placed the failure in a built-in class: the phrase as it appeared, or the exit code. */
  matched?: string;
}

/** The failure class of an outcome, or null when it is a success. Order: the wrapper's own causes,
 * user classes (stderr, then exit code), built-in classes (exec, auth, rate-limit, transport),
 * signals, exit codes, early exit. */
export function explain(o: Outcome, cfg: PolicyConfig): Verdict | null {
  if (isSuccess(o, cfg)) return null;
  if (o.cause === 'timeout') return { cls: 'timeout' };
  if (o.cause === 'stalled') return { cls: 'stalled' };
  const tail = o.stderrTail;
  // A user regex gets a bounded time on the bounded tail: one that backtracks past it does not match.
  for (const c of cfg.classify) if (boundedTest(c.pattern, tail)) return { cls: c.name };
  if (o.code !== null && cfg.classifyExit.has(o.code)) return { cls: cfg.classifyExit.get(o.code)! };
  const builtin = builtinClass(o.code, tail);
  if (builtin) return builtin;
  if (o.signal !== null) return { cls: o.signal === 'SIGKILL' ? 'killed' : `signal:${o.signal}` };
  if (o.code !== 0 && o.code !== null) return { cls: `exit:${o.code}` };
  return { cls: 'early-exit' };
}

/** The failure class alone (see explain). */
export const classify = (o: Outcome, cfg: PolicyConfig): string | null => explain(o, cfg)?.cls ?? null;
