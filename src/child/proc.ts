// Facts about processes from /proc. A pid read from a file names a process only together with its
// start time, its boot and its pid namespace: pids are reused, so a pid alone is never signalled.
import { readlinkSync } from 'node:fs';
import { currentBootId } from '../state/system-clock.ts';
import { readBoundedText } from '../state/read-bounded.ts';

/** Who a recorded process was: enough to tell it from a later process that got the same pid. */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks after boot); null: never read, so never matched. */
  startTime: string | null;
  boot?: string;
  pidns?: string;
}

/** State (field 3) and start time (field 22) of /proc/PID/stat; null when there is no such pid. */
export function procStat(pid: number): { state: string; startTime: string } | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  try {
    const stat = readBoundedText(`/proc/${pid}/stat`, { maxBytes: 4096 }) ?? '';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); start time is field 22.
    return fields.length > 19 ? { state: fields[0], startTime: fields[19] } : null;
  } catch {
    return null;
  }
}

/** Start time of a live (not zombie) process; null when the pid is gone. */
export function procStartTime(pid: number): string | null {
  const s = procStat(pid);
  return s && s.state !== 'Z' ? s.startTime : null;
}

/** Is the recorded process still running? A record without a start time, from another boot or
 * another pid namespace, never matches: better a second copy than a signal to a stranger. */
export function isSameProcess(p: ProcessIdentity): boolean {
  if (p.startTime === null || typeof p.startTime !== 'string') return false;
  if (p.boot !== currentBootId() || p.pidns !== pidNamespace()) return false;
  return procStartTime(p.pid) === p.startTime;
}

/** The identity of a process (ours, or a child just spawned and not yet reaped: even a zombie's
 * start time is read, since its pid cannot be reused before we reap it). */
export function identityOf(pid: number): ProcessIdentity & { exited: boolean } {
  const s = procStat(pid);
  return { pid, startTime: s?.startTime ?? null, boot: currentBootId(), pidns: pidNamespace(), exited: s === null || s.state === 'Z' };
}

let self: ProcessIdentity | undefined;
/** This wrapper's own identity, as its records carry it. */
export function selfIdentity(): ProcessIdentity {
  if (self === undefined || self.pid !== process.pid) {
    const { exited: _, ...id } = identityOf(process.pid);
    self = id;
  }
  return self;
}

/** The same process is alive: the pid exists, is not a zombie, and started when we recorded. */
export const sameProcessAlive = (pid: number, startTime: string | null): boolean => startTime !== null && procStartTime(pid) === startTime;

let ns: string | undefined;
export function pidNamespace(): string {
  if (ns === undefined) {
    try {
      ns = readlinkSync('/proc/self/ns/pid');
    } catch {
      ns = 'unknown';
    }
  }
  return ns;
}

/** Is any process left in process group `pgid`? (kill(-pgid, 0), used only during teardown.) */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
