// Which class a run's end belongs to: null for a success, else a failure class name.
import type { PolicyConfig } from './config.ts';
import { boundedTest } from '../util/bounded-regex.ts';

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

// Built-in: connection failures that mean "the thing I depend on is down", not "I am broken".
const TRANSPORT =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EPIPE)\b|connection refused|could not connect|connection reset|\b(HTTP[/ ]?\S*\s+)?(502|503|504)\s+(Bad Gateway|Service Unavailable|Gateway Time-?out)\b|\bHTTP(\/[\d.]+)?\s+(502|503|504)\b|\bstatus(\s+code)?[ :=]+(502|503|504)\b/i;

export const isTransportText = (text: string): boolean => TRANSPORT.test(text);

export function isSuccess(o: Outcome, cfg: Pick<PolicyConfig, 'mode' | 'minUptimeMs'>): boolean {
  if (o.cause === 'timeout' || o.cause === 'stalled') return false;
  if (o.code !== 0) return false;
  return !(cfg.mode === 'service' && o.durationMs < cfg.minUptimeMs);
}

/** The failure class of an outcome, or null when it is a success. Order: the wrapper's own causes,
 * user classes (stderr, then exit code), built-in transport, signals, exit codes, early exit. */
export function classify(o: Outcome, cfg: PolicyConfig): string | null {
  if (isSuccess(o, cfg)) return null;
  if (o.cause === 'timeout') return 'timeout';
  if (o.cause === 'stalled') return 'stalled';
  const tail = o.stderrTail;
  // A user regex gets a bounded time on the bounded tail: one that backtracks past it does not match.
  for (const c of cfg.classify) if (boundedTest(c.pattern, tail)) return c.name;
  if (o.code !== null && cfg.classifyExit.has(o.code)) return cfg.classifyExit.get(o.code)!;
  if (tail && isTransportText(tail)) return 'transport';
  if (o.signal !== null) return o.signal === 'SIGKILL' ? 'killed' : `signal:${o.signal}`;
  if (o.code !== 0 && o.code !== null) return `exit:${o.code}`;
  return 'early-exit';
}
