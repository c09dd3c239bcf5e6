// When the running child last showed that it is alive: a new mtime of the pulse file (touched
// directly or by `safehalt heartbeat`), never earlier than the child's own start, so each child
// starts a fresh clock. Silence is measured on the monotonic clock: the pulse's mtime is wall time,
// so it only says when a new pulse came within the interval since the last look, and a wall-clock
// jump can neither make a beating child look stalled nor hide a stalled one.
import { lastPulseMs } from '../state/child-heartbeat.ts';
import type { Job } from '../supervisor/job.ts';

interface Watch {
  childPid: number;
  /** The pulse mtime last seen (wall ms), or null. */
  pulse: number | null;
  /** Monotonic ms of the last sign of life, and of the last look. */
  lastMono: number;
  lookedMono: number;
}

const watches = new WeakMap<Job, Watch>();

/** How long the running child has been silent, in monotonic ms (0 when none runs). */
export function silenceMs(job: Job, nowMono = job.monoNow()): number {
  if (job.phase !== 'running' || job.childPid === null || job.childStartedMono === null || job.detail === 'orphan') return 0;
  let w = watches.get(job);
  if (!w || w.childPid !== job.childPid) {
    // A new child: a pulse left from before its start is no sign of its life.
    w = { childPid: job.childPid, pulse: null, lastMono: job.childStartedMono, lookedMono: job.childStartedMono };
    watches.set(job, w);
  }
  const pulse = lastPulseMs(job.cfg.stateDir);
  if (pulse !== null && pulse !== w.pulse) {
    // A new pulse since the last look: the wall clock says how long ago, bounded by that interval.
    const ago = Math.min(Math.max(Date.now() - pulse, 0), nowMono - w.lookedMono);
    w.lastMono = Math.max(w.lastMono, nowMono - ago);
    w.pulse = pulse;
  }
  w.lookedMono = nowMono;
  return Math.max(0, nowMono - w.lastMono);
}

/** With --stall-timeout: the running child has said nothing for that long. */
export const isStalled = (job: Job): boolean => job.cfg.stallTimeoutMs > 0 && silenceMs(job) >= job.cfg.stallTimeoutMs;
