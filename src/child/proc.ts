// Facts about processes from /proc: is this pid still the process we knew (same start time)?
import { readFileSync, readlinkSync } from 'node:fs';

/** Field 22 of /proc/PID/stat: start time in clock ticks after boot; null when the pid is gone. */
export function procStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); start time is field 22.
    if (fields[0] === 'Z') return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** The same process is alive: the pid exists, is not a zombie, and started when we recorded. */
export const sameProcessAlive = (pid: number, startTime: string | null): boolean => {
  const now = procStartTime(pid);
  return now !== null && (startTime === null || now === startTime);
};

export function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return 'unknown';
  }
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
