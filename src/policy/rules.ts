// The halt rules over the failure memory: "N in S" windows on the monotonic clock, and the
// consecutive-failure limit. Pure: the first rule that trips wins.
import { elapsed, notBefore, type Stamp } from './clock.ts';
import type { PolicyConfig } from './config.ts';
import type { FailureRecord, HaltReason, Memory } from './memory.ts';
import { formatDuration } from '../util/duration.ts';

export interface Trip {
  reason: HaltReason;
  rule: string;
  message: string;
}

/** Failures inside [now - withinMs, now], ignoring those before the last resume. */
export function inWindow(recent: FailureRecord[], windowFrom: Stamp | null, now: Stamp, withinMs: number, cls?: string) {
  return recent.filter(
    (f) =>
      (cls === undefined || f.cls === cls) &&
      elapsed(f.at, now) <= withinMs &&
      (windowFrom === null || notBefore(f.at, windowFrom)),
  );
}

export function checkFailureRules(m: Memory, now: Stamp, cfg: PolicyConfig): Trip | null {
  for (const s of cfg.spikes) {
    if (s.count <= 0) continue;
    const n = inWindow(m.recent, m.windowFrom, now, s.withinMs, s.cls).length;
    if (n >= s.count)
      return {
        reason: 'FAILURE_SPIKE',
        rule: `spike ${s.cls}:${s.count}/${formatDuration(s.withinMs)}`,
        message: `${n} ${s.cls} failures within ${formatDuration(s.withinMs)} (limit ${s.count})`,
      };
  }
  if (cfg.maxFailures > 0) {
    const n = inWindow(m.recent, m.windowFrom, now, cfg.withinMs).length;
    if (n >= cfg.maxFailures)
      return {
        reason: 'FAILURE_SPIKE',
        rule: `max-failures ${cfg.maxFailures} within ${formatDuration(cfg.withinMs)}`,
        message: `${n} failures within ${formatDuration(cfg.withinMs)} (limit ${cfg.maxFailures})`,
      };
  }
  if (cfg.maxConsecutiveFailures > 0 && m.consecutiveFailures >= cfg.maxConsecutiveFailures)
    return {
      reason: 'RETRY_LIMIT_REACHED',
      rule: `max-consecutive-failures ${cfg.maxConsecutiveFailures}`,
      message: `${m.consecutiveFailures} consecutive failures (limit ${cfg.maxConsecutiveFailures})`,
    };
  return null;
}
