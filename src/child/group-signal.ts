// The one way the wrapper signals processes: only a process group it started itself (the child's,
// the --on-halt hook's) or an orphan it has identified by pid and start time, registered here while
// it is ours. pid <= 1 is refused by construction: kill(-1) is every process, kill(1) is init, and a
// spawn that failed has no pid at all. Nothing else in src/ calls process.kill with a signal.
import { sessionMembers } from './proc.ts';

/** Groups of ours → forkCount() before their leader was forked (null: unknown, scan every pid). */
const owned = new Map<number, number | null>();

/** A group we started (its leader's pid); false when the pid cannot be a group of ours. */
export function ownGroup(pgid: number | undefined, forksBefore: number | null = null): pgid is number {
  if (pgid === undefined || !Number.isInteger(pgid) || pgid <= 1 || pgid === process.pid) return false;
  owned.set(pgid, forksBefore);
  return true;
}

/** The group is gone (reaped): signals to it are refused from now on. */
export function releaseGroup(pgid: number): void {
  owned.delete(pgid);
}

export const isOwnedGroup = (pgid: number): boolean => owned.has(pgid);

/** Signal a whole process group of ours; false when refused or when it is already gone. */
export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  if (!owned.has(pgid)) return false;
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (e) {
    return sig === 0 && (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signal the group, then every other process of the session it leads (a `set -m` script puts its
 * jobs in groups of their own, in the same session). A `setsid` daemon has left the session: it is
 * not reached (systemd's KillMode=control-group is what reaches it). Returns whether any was alive. */
export function signalSession(sid: number, sig: NodeJS.Signals): boolean {
  if (!owned.has(sid)) return false;
  let any = signalGroup(sid, sig);
  for (const pid of sessionMembers(sid, owned.get(sid))) {
    try {
      process.kill(pid, sig);
      any = true;
    } catch {
      /* gone */
    }
  }
  return any;
}

/** Is any process of the group, or of the session it leads, still there? */
export const sessionAlive = (sid: number): boolean => signalGroup(sid, 0) || (owned.has(sid) && sessionMembers(sid, owned.get(sid)).length > 0);
