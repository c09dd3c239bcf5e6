// Marker files (.stop, .pause, --stop-file): presence is what counts; a marker written by
// `safehalt stop|pause` also says who, when, why, and (stop) whether to kill now.
import { lstatSync } from 'node:fs';
import os from 'node:os';
import { isRecord } from '../util/json.ts';
import { clip } from '../util/clip.ts';
import { readBoundedText } from './read-bounded.ts';

/** A marker's reason is clipped to REASON_MAX characters, so that its file stays readable. */
export const REASON_MAX = 4096;
const MARKER_MAX_BYTES = 64 * 1024;

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
    // Bounded, and only a regular file (a FIFO or /dev/zero given as --stop-file is presence alone).
    const text = readBoundedText(file, { maxBytes: MARKER_MAX_BYTES }) ?? '';
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

const ACCOUNT = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;

/** Who runs this command, for the audit trail. SUDO_USER is believed only when the real uid is 0:
 * sudo sets it for root, anyone else can set it to any name. */
export function whoAmI(env: NodeJS.ProcessEnv = process.env): string {
  const sudo = env.SUDO_USER;
  if (process.getuid?.() === 0 && sudo && ACCOUNT.test(sudo) && sudo !== 'root') return `${sudo} (sudo)`;
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

export const markerBody = (fields: { now?: boolean; reason?: string | null }) => ({
  schema: 1,
  now: fields.now ?? false,
  reason: fields.reason == null ? null : clip(fields.reason, REASON_MAX),
  by: clip(whoAmI(), 256),
  at: new Date().toISOString(),
  pid: process.pid,
});
