// When the running child last showed that it is alive: the pulse file's mtime (touched directly or by
// `safehalt heartbeat`), never earlier than the child's own start, so each child starts a fresh clock.
import { lastPulseMs } from '../state/child-heartbeat.ts';
import type { Job } from '../supervisor/job.ts';

/** Wall milliseconds of the last sign of life of the running child; null when none runs. */
export function lastSignOfLifeMs(job: Job): number | null {
  if (job.phase !== 'running' || job.childPid === null || job.childStartedAt === null || job.detail === 'orphan') return null;
  const started = Date.parse(job.childStartedAt);
  const pulse = lastPulseMs(job.cfg.stateDir);
  return pulse === null ? started : Math.max(started, pulse);
}

/** How long the running child has been silent (0 when none runs or a pulse lies in the future). */
export function silenceMs(job: Job, nowMs = Date.now()): number {
  const last = lastSignOfLifeMs(job);
  return last === null ? 0 : Math.max(0, nowMs - last);
}

/** With --stall-timeout: the running child has said nothing for that long. */
export const isStalled = (job: Job, nowMs = Date.now()): boolean =>
  job.cfg.stallTimeoutMs > 0 && silenceMs(job, nowMs) >= job.cfg.stallTimeoutMs;
