// Time as the policy sees it: a monotonic reading (shared by every process of one boot), the boot it
// belongs to, and wall time for people. Windows use the monotonic part; wall time only across a reboot.

export interface Stamp {
  /** Milliseconds on the system's monotonic clock (CLOCK_MONOTONIC). */
  mono: number;
  /** /proc/sys/kernel/random/boot_id of the boot the monotonic reading belongs to. */
  boot: string;
  /** Wall-clock milliseconds since the epoch, for people and for comparisons across a reboot. */
  wall: number;
}

export interface Clock {
  now(): Stamp;
}

/** Milliseconds from `then` to `now`: monotonic within one boot, wall time across boots, never negative. */
export function elapsed(then: Stamp, now: Stamp): number {
  const d = then.boot === now.boot ? now.mono - then.mono : now.wall - then.wall;
  return d > 0 ? d : 0;
}

/** True when `a` is at or after `b` (monotonic within a boot, wall time across boots). */
export const notBefore = (a: Stamp, b: Stamp): boolean => (a.boot === b.boot ? a.mono >= b.mono : a.wall >= b.wall);

/** Add a duration to a stamp (for deadlines). */
export function later(stamp: Stamp, ms: number): Stamp {
  return { mono: stamp.mono + ms, boot: stamp.boot, wall: stamp.wall + ms };
}

export const isoOf = (s: Stamp): string => new Date(s.wall).toISOString();
