// Ending a child: a signal to its process group and the rest of its session, SIGKILL after the
// grace period, SIGKILL at once on escalation. After the leader is gone, what is left of its
// session (grandchildren, `set -m` jobs) gets the same treatment. Every signal goes through
// group-signal.ts, which refuses any process that is not ours.
import { releaseGroup, sessionAlive, signalSession } from './group-signal.ts';
import { after, sleep, type Cancel } from '../util/long-timer.ts';

/** How a child that was asked to stop was ended: null while only the first signal was sent. */
export type KilledBy = 'kill-timeout' | 'escalation' | null;

export class Terminator {
  private killTimer: Cancel | null = null;
  started = false;
  /** The first signal sent, and whether SIGKILL followed (and why). */
  firstSignal: NodeJS.Signals | null = null;
  killedBy: KilledBy = null;

  private readonly pgid: number;
  private readonly killTimeoutMs: number;
  private readonly onKill: (why: Exclude<KilledBy, null>) => void;

  constructor(pgid: number, killTimeoutMs: number, onKill: (why: Exclude<KilledBy, null>) => void = () => {}) {
    this.pgid = pgid;
    this.killTimeoutMs = killTimeoutMs;
    this.onKill = onKill;
  }

  /** First call sends `sig` and arms SIGKILL; a later call escalates to SIGKILL at once. */
  terminate(sig: NodeJS.Signals = 'SIGTERM'): void {
    if (this.started) return this.kill();
    this.started = true;
    this.firstSignal = sig;
    signalSession(this.pgid, sig);
    // SIGCONT wakes a stopped group so that it can act on the signal.
    signalSession(this.pgid, 'SIGCONT');
    this.killTimer = after(this.killTimeoutMs, () => this.kill('kill-timeout'));
  }

  kill(why: Exclude<KilledBy, null> = 'escalation'): void {
    this.started = true;
    if (this.killedBy === null) {
      this.killedBy = why;
      this.onKill(why);
    }
    signalSession(this.pgid, 'SIGKILL');
  }

  dispose(): void {
    this.killTimer?.();
    this.killTimer = null;
  }
}

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
