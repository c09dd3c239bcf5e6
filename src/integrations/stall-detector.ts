// --stall-timeout: a child that gives no sign of life (pulse file touched, `safehalt heartbeat`)
// for that long is ended (graceful, then SIGKILL) and its failure is classed `stalled`. One timer,
// armed at each child start and re-armed for the rest of the timeout whenever it finds a newer
// pulse: no polling loop, one stat per timeout at most.
import { formatDuration } from '../util/duration.ts';
import { after, type Cancel } from '../util/long-timer.ts';
import type { Plugin, Snapshot } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';
import { silenceMs } from './liveness.ts';

export function attachStallDetector(job: Job): Plugin {
  const limit = job.cfg.stallTimeoutMs;
  if (limit <= 0) return { dispose() {} };
  let timer: Cancel | null = null;
  let watched: number | null = null;

  const disarm = () => {
    timer?.();
    timer = null;
  };
  const check = () => {
    timer = null;
    if (!job.terminateChild || job.childPid !== watched) return;
    const quiet = silenceMs(job);
    if (quiet < limit) {
      timer = after(limit - quiet, check);
      return;
    }
    job.log.warn(`the child (pid ${watched}) gave no heartbeat for ${formatDuration(quiet)} (--stall-timeout ${formatDuration(limit)}): stopping it`);
    job.event('stalled', { pid: watched, iteration: job.iteration, silentMs: quiet });
    job.terminateChild('stalled');
    job.enter('running', 'stalled');
  };
  const onTransition = (s: Snapshot) => {
    const child = s.phase === 'running' && s.detail !== 'orphan' ? s.childPid : null;
    if (child === watched) return;
    disarm();
    watched = child;
    if (child !== null) timer = after(limit, check);
  };

  const off = job.bus.on(onTransition);
  return {
    dispose() {
      off();
      disarm();
    },
  };
}
