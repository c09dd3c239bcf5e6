// Ending a process group: a signal, SIGKILL after the grace period, SIGKILL at once on escalation.
// After the leader is gone, stragglers of its group (grandchildren) get the same treatment.
import { groupAlive } from './proc.ts';
import type { ChildHandle } from './spawn-child.ts';
import { after, sleep, type Cancel } from '../util/long-timer.ts';

export class Terminator {
  private killTimer: Cancel | null = null;
  started = false;

  private readonly child: ChildHandle;
  private readonly killTimeoutMs: number;

  constructor(child: ChildHandle, killTimeoutMs: number) {
    this.child = child;
    this.killTimeoutMs = killTimeoutMs;
  }

  /** First call sends `sig` and arms SIGKILL; a later call escalates to SIGKILL at once. */
  terminate(sig: NodeJS.Signals = 'SIGTERM'): void {
    if (this.started) return this.kill();
    this.started = true;
    this.child.signalGroup(sig);
    // SIGCONT wakes a stopped group so that it can act on the signal.
    this.child.signalGroup('SIGCONT');
    this.killTimer = after(this.killTimeoutMs, () => this.kill());
  }

  kill(): void {
    this.started = true;
    this.child.signalGroup('SIGKILL');
  }

  dispose(): void {
    this.killTimer?.();
    this.killTimer = null;
  }
}

const NEVER = new AbortController().signal;

/** After the leader exited: TERM what is left of the group, KILL it after the grace period. Polls
 * only here, briefly, since the exit of a process that is not our child cannot be awaited. */
export async function reapGroup(pgid: number, killTimeoutMs: number): Promise<boolean> {
  if (pgid <= 0 || !groupAlive(pgid)) return false;
  try {
    process.kill(-pgid, 'SIGTERM');
    process.kill(-pgid, 'SIGCONT');
  } catch {
    return false;
  }
  // On the monotonic clock: a wall-clock jump must not postpone the SIGKILL by hours.
  const deadline = performance.now() + killTimeoutMs;
  while (groupAlive(pgid)) {
    if (performance.now() >= deadline) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
      break;
    }
    await sleep(20, NEVER);
  }
  return true;
}
