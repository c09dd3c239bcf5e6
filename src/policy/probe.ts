// The opt-in half-open probe: after a failure halt and a cooldown, exactly one run is tried.
// Success clears the latch; failure keeps it and doubles the cooldown up to --probe-max.
import { elapsed, later, type Stamp } from './clock.ts';
import type { Latch } from './memory.ts';

export interface ProbeConfig {
  probeAfterMs: number;
  probeMaxMs: number;
}

/** Only failure halts are probed; budget and progress halts always wait for a person. */
export const canProbe = (l: Pick<Latch, 'reason'>, cfg: ProbeConfig): boolean =>
  cfg.probeAfterMs > 0 && (l.reason === 'FAILURE_SPIKE' || l.reason === 'RETRY_LIMIT_REACHED');

export function probePlan(l: Latch, cfg: ProbeConfig): { dueAt: Stamp; cooldownMs: number } {
  return l.probe ?? { dueAt: later(l.at, cfg.probeAfterMs), cooldownMs: cfg.probeAfterMs };
}

/** Milliseconds until the probe is due (0 when due). */
export function probeWait(l: Latch, now: Stamp, cfg: ProbeConfig): number {
  const { dueAt } = probePlan(l, cfg);
  return Math.max(0, elapsed(now, dueAt));
}

export function withFirstProbe(l: Latch, cfg: ProbeConfig): Latch {
  return canProbe(l, cfg) ? { ...l, probe: { dueAt: later(l.at, cfg.probeAfterMs), cooldownMs: cfg.probeAfterMs } } : l;
}

export function afterFailedProbe(l: Latch, now: Stamp, cfg: ProbeConfig): Latch {
  const cooldownMs = Math.min(cfg.probeMaxMs, probePlan(l, cfg).cooldownMs * 2);
  return { ...l, probe: { dueAt: later(now, cooldownMs), cooldownMs } };
}
