// Durations as operators write them ("500ms", "10s", "5m", "2h", "1d"), parsed by the `ms` library.
import ms from 'ms';
import { shown } from './shown.ts';

// The longest duration any flag takes: a year as `ms` counts it (365.25 days), so that "1y" itself is
// accepted. Every timer of that length is chained (util/long-timer.ts); a Date a year ahead is valid.
export const MAX_DURATION_MS = 365.25 * 24 * 3600 * 1000;

/** Parse a duration flag; throws a message "expected X, got Y" on anything else. */
export function parseDuration(flag: string, value: unknown): number {
  const text = String(value ?? '').trim();
  const expected = `--${flag}: expected a duration such as 500ms, 10s, 5m, 2h or 0, got ${shown(value)}`;
  if (text === '') throw new Error(expected);
  if (/^\d+(\.\d+)?$/.test(text)) {
    // A bare number is seconds, as in systemd's RestartSec= and sleep(1).
    const seconds = Number(text);
    if (seconds * 1000 > MAX_DURATION_MS) throw new Error(`--${flag}: ${shown(text)} seconds is more than a year; use a smaller duration`);
    return Math.round(seconds * 1000);
  }
  const parsed = ms(text as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) throw new Error(expected);
  if (parsed < 0) throw new Error(`--${flag}: a duration cannot be negative, got ${shown(value)}`);
  if (parsed > MAX_DURATION_MS) throw new Error(`--${flag}: ${shown(text)} is more than a year; use a smaller duration`);
  return Math.round(parsed);
}

/** Human form for messages: 1500 → "1.5s", 120000 → "2m". */
export function formatDuration(msValue: number): string {
  if (msValue < 1000) return `${Math.round(msValue)}ms`;
  const s = msValue / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  const m = s / 60;
  if (m < 60) return `${Number.isInteger(m) ? m : m.toFixed(1)}m`;
  const h = m / 60;
  if (h < 48) return `${Number.isInteger(h) ? h : h.toFixed(1)}h`;
  const d = h / 24;
  return `${Number.isInteger(d) ? d : d.toFixed(1)}d`;
}
