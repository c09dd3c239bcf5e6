// Marker files (.stop, .pause, --stop-file): presence is what counts; a marker written by
// `safehalt stop|pause` also says who, when, why, and (stop) whether to kill now.
import { constants, lstatSync, openSync, readFileSync, closeSync } from 'node:fs';
import os from 'node:os';
import { isRecord } from '../util/json.ts';

export interface Marker {
  path: string;
  now: boolean;
  reason: string | null;
  by: string | null;
  at: string | null;
}

export function readMarker(file: string): Marker | null {
  try {
    lstatSync(file);
  } catch {
    return null;
  }
  const marker: Marker = { path: file, now: false, reason: null, by: null, at: null };
  try {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    let text: string;
    try {
      text = readFileSync(fd, 'utf8').slice(0, 64 * 1024);
    } finally {
      closeSync(fd);
    }
    const v: unknown = text.trim() ? JSON.parse(text) : null;
    if (isRecord(v)) {
      marker.now = v.now === true;
      marker.reason = typeof v.reason === 'string' ? v.reason : null;
      marker.by = typeof v.by === 'string' ? v.by : null;
      marker.at = typeof v.at === 'string' ? v.at : null;
    }
  } catch {
    /* touched by hand, or not ours to read: presence alone */
  }
  return marker;
}

/** The first present marker among `files`. */
export function firstMarker(files: readonly string[]): Marker | null {
  for (const f of files) {
    const m = readMarker(f);
    if (m) return m;
  }
  return null;
}

export function whoAmI(): string {
  try {
    return process.env.SUDO_USER || os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

export const markerBody = (fields: { now?: boolean; reason?: string | null }) => ({
  schema: 1,
  now: fields.now ?? false,
  reason: fields.reason ?? null,
  by: whoAmI(),
  at: new Date().toISOString(),
  pid: process.pid,
});
