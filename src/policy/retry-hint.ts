// Retry hints: the failed run said how long to wait before the next try. From the stderr tail (an
// HTTP `Retry-After:` header in seconds or as an HTTP-date, `retry-after-ms`, Google's
// `"retryDelay": "34s"`, OpenAI's "Please try again in 20s"), or from the child itself
// (`safehalt heartbeat --retry-after 30s`, `retry-after` over SAFEHALT_FD). Pure.
import { formatDuration } from '../util/duration.ts';

export interface RetryHint {
  ms: number;
  /** Where it came from, for the log, the status and events.jsonl. */
  from: string;
}

const HTTP_DATE = String.raw`[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT`;
const HINTS = new RegExp(
  [
    String.raw`\bretry-after-ms["']?\s*[:=]\s*["']?(?<ms>\d+(?:\.\d+)?)`,
    String.raw`\bretry-after["']?\s*[:=]\s*["']?(?:(?<s>\d+(?:\.\d+)?)\b|(?<date>${HTTP_DATE}))`,
    String.raw`"retryDelay"\s*:\s*"(?<delay>\d+(?:\.\d+)?)s"`,
    String.raw`Please try again in (?<again>\d+(?:\.\d+)?)(?<unit>ms|s)\b`,
  ].join('|'),
  'gi',
);

/** The last retry hint in the stderr tail, or null. `nowMs` (wall time) turns an HTTP-date into a wait. */
export function hintFromText(tail: string, nowMs: number): RetryHint | null {
  let last: RegExpExecArray | null = null;
  HINTS.lastIndex = 0;
  for (let m = HINTS.exec(tail); m; m = HINTS.exec(tail)) last = m;
  if (!last?.groups) return null;
  const g = last.groups;
  const ms =
    g.ms !== undefined ? Number(g.ms)
    : g.s !== undefined ? Number(g.s) * 1000
    : g.date !== undefined ? Date.parse(g.date) - nowMs
    : g.delay !== undefined ? Number(g.delay) * 1000
    : Number(g.again) * (g.unit === 'ms' ? 1 : 1000);
  return usable(ms) ? { ms: Math.ceil(ms), from: `stderr "${last[0].trim()}"` } : null;
}

/** Any positive wait counts: however long, --backoff-max caps it (hintedDelay). */
const usable = (ms: number) => Number.isFinite(ms) && ms > 0;

/** The child's own report wins over the stderr tail: it knows what it was told. */
export function retryHint(tail: string, childMs: number | null, nowMs: number): RetryHint | null {
  if (childMs !== null && usable(childMs)) return { ms: childMs, from: 'the child (retry-after report)' };
  return hintFromText(tail, nowMs);
}

/** The backoff after a failure, lengthened to the hint (never past --backoff-max). */
export function hintedDelay(backoffMs: number, hint: RetryHint | null, backoffMaxMs: number): number {
  if (!hint) return backoffMs;
  return Math.max(backoffMs, Math.min(hint.ms, backoffMaxMs));
}

/** Why a backoff is longer than the exponential one, for the log and the status: "retry-after 20s
 * asked by stderr "retry-after: 20"", and whether --backoff-max cut it. */
export const hintReason = (h: RetryHint, maxMs: number) =>
  `retry-after ${formatDuration(h.ms)} asked by ${h.from}${h.ms > maxMs ? `, capped by --backoff-max ${formatDuration(maxMs)}` : ''}`;
