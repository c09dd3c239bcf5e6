// Facts about processes from /proc. A pid read from a file names a process only together with its
// start time, its boot and its pid namespace: pids are reused, so a pid alone is never signalled.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
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
 * another pid namespace, never matches: better a second copy than a signal to a stranger.
 * `writtenAtMs` (when the record was written) lets a record whose boot id differs count as this
 * boot's when it was written after this boot began: see sameBoot. */
export function isSameProcess(p: ProcessIdentity, writtenAtMs?: number): boolean {
  if (p.startTime === null || typeof p.startTime !== 'string') return false;
  if (!sameBoot(p.boot, writtenAtMs) || p.pidns !== pidNamespace()) return false;
  return procStartTime(p.pid) === p.startTime;
}

/** The same boot: the same boot id; or a record written after this boot began (its wall time after
 * /proc/stat's btime). The second is for containers: systemd-nspawn bind-mounts a boot id of its
 * own over /proc/sys/kernel/random/boot_id, which a unit with ProtectKernelTunables= does not see,
 * so two processes of one boot read different ids. */
export function sameBoot(boot: string | undefined, writtenAtMs?: number): boolean {
  if (boot === currentBootId()) return true;
  const booted = bootTimeMs();
  return writtenAtMs !== undefined && Number.isFinite(writtenAtMs) && booted !== null && writtenAtMs > booted;
}

let btime: number | null | undefined;
/** When this boot began (wall clock, ms), from the kernel's own /proc/stat; null when unknown. */
export function bootTimeMs(): number | null {
  if (btime === undefined) {
    try {
      const m = /^btime (\d+)$/m.exec(readBoundedText('/proc/stat', { maxBytes: 1 << 20 }) ?? '');
      btime = m ? Number(m[1]) * 1000 : null;
    } catch {
      btime = null;
    }
  }
  return btime;
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

/** Processes (and threads) forked since boot: the `processes` line of /proc/stat; null if unknown. */
export function forkCount(): number | null {
  try {
    const m = /^processes (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

let cachedPidMax: number | null = null;
function pidMax(): number {
  try {
    cachedPidMax ??= Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim()) || 32768;
  } catch {
    cachedPidMax = 32768;
  }
  return cachedPidMax;
}

/** Pids of the processes of session `sid` that are not in process group `sid` (not zombies).
 * `forksBefore` (forkCount() read before the session leader was forked) lets the scan skip every
 * pid below `sid`: pids are handed out in increasing order, so while fewer processes were forked
 * since than there are pids above `sid`, every later process has a higher pid; with only the
 * leader's own fork since, there is nothing to scan. */
export function sessionMembers(sid: number, forksBefore: number | null = null): number[] {
  if (!Number.isInteger(sid) || sid <= 1) return [];
  const now = forksBefore === null ? null : forkCount();
  // Forks since, trusted only if the count moved (it must have counted the leader's own fork): a
  // counter that is stuck, virtualised or went backwards never lets the scan skip anything.
  const forks = now !== null && forksBefore !== null && now > forksBefore ? now - forksBefore : null;
  // One fork on the whole machine since (the leader's own): the session has no other process, as
  // each one of it descends from the leader. Spares a crash loop the /proc scan at every exit.
  if (forks === 1) return [];
  const above = forks !== null && forks < pidMax() - sid ? sid : 0;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57 || Number(name) <= above) continue;
    const f = statFields(name);
    // fields[0] is field 3 (state), [2] field 5 (pgrp), [3] field 6 (session).
    if (f && f[0] !== 'Z' && f[3] === String(sid) && f[2] !== String(sid)) found.push(Number(name));
  }
  return found;
}

function statFields(pid: string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
