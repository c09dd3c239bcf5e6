// Under --quiet (cron), a condition that lasts (a pause, a stop file) is said when it starts, again
// when it changes, and a stop file again once a day: not at every tick. What was said last, and
// when, is kept in stop-reason.json's `notice` (each tick rewrites that file anyway).
import { lstatSync } from 'node:fs';
import { filePath } from '../state/files.ts';
import { readTrustedJson } from '../state/read-trusted.ts';
import type { Marker } from '../state/markers.ts';
import { isRecord } from '../util/json.ts';

export interface Notice {
  /** What the condition was: which marker, written when, by whom, why. */
  key: string;
  /** When it was last said (wall time, ms): only for people, so the wall clock is right here. */
  at: number;
}

export const STOP_FILE_REPEAT_MS = 24 * 3600 * 1000;

/** Pure: say it now? Yes when nothing was said of it, it changed, or `repeatMs` has passed. */
export function shouldSay(prev: Notice | null, key: string, now: number, repeatMs = Infinity): boolean {
  return prev === null || prev.key !== key || now - prev.at >= repeatMs || now < prev.at;
}

/** A marker's identity: a new `pause`/`stop`, or a file touched again, is a new condition. */
export function markerKey(kind: string, m: Marker): string {
  let mtime = 0;
  try {
    mtime = Math.round(lstatSync(m.path).mtimeMs);
  } catch {
    /* gone meanwhile */
  }
  return JSON.stringify([kind, m.path, mtime, m.at, m.by, m.reason]);
}

/** The notice recorded by the last tick, or null (none, or a file that cannot be read: say it). */
export function lastNotice(stateDir: string): Notice | null {
  try {
    const v = readTrustedJson(filePath(stateDir, 'stopReason'));
    const n = isRecord(v) ? v.notice : null;
    return isRecord(n) && typeof n.key === 'string' && typeof n.at === 'number' ? { key: n.key, at: n.at } : null;
  } catch {
    return null;
  }
}

/** Decide and remember: whether to say it, and the notice to record in this tick's stop report. */
export function notice(stateDir: string, key: string, repeatMs?: number, now = Date.now()): { say: boolean; notice: Notice } {
  const prev = lastNotice(stateDir);
  const say = shouldSay(prev, key, now, repeatMs);
  return { say, notice: say || !prev ? { key, at: now } : prev };
}
