// After the child's leader is gone, what is left of its session (grandchildren, `set -m` jobs) is
// ended: SIGTERM, then SIGKILL after the grace period. (The child itself is ended by the machine's
// signal effects, src/supervisor/signal-edge.ts.) Every signal goes through group-signal.ts, which
// refuses any process that is not ours.
import { releaseGroup, sessionAlive, signalSession } from './group-signal.ts';
import { sleep } from '../util/long-timer.ts';

const NEVER = new AbortController().signal;

/** After the leader exited: TERM what is left of its session, KILL it after the grace period, then
 * forget the group. Polls only here, briefly: the exit of a process that is not our child cannot be
 * awaited. True when something was left. */
export async function reapGroup(pgid: number, killTimeoutMs: number): Promise<boolean> {
  try {
    if (!sessionAlive(pgid)) return false;
    signalSession(pgid, 'SIGTERM');
    signalSession(pgid, 'SIGCONT');
    // On the monotonic clock: a wall-clock jump must not postpone the SIGKILL by hours.
    const deadline = performance.now() + killTimeoutMs;
    while (sessionAlive(pgid)) {
      if (performance.now() >= deadline) {
        signalSession(pgid, 'SIGKILL');
        break;
      }
      await sleep(20, NEVER);
    }
    return true;
  } finally {
    releaseGroup(pgid);
  }
}
