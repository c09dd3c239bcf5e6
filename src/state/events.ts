// events.jsonl: a bounded log of transitions. Lines are appended with O_APPEND (one write each, each
// line at most EVENT_LINE_MAX bytes); past the bound the newest half is kept by an atomic rewrite. A
// reader reads only the log's tail and skips a torn line. Nothing but a regular file is ever opened:
// a FIFO planted in its place neither blocks a write nor a read.
import { closeSync, constants, fchownSync, fstatSync, openSync, type Stats } from 'node:fs';
import path from 'node:path';
import { appendAll } from './write-all.ts';
import { configError } from '../exit-codes.ts';
import { ownerOf, writeAtomicSync } from './atomic-write.ts';
import { filePath } from './files.ts';
import { fileType } from './read-bounded.ts';
import { readTrustedText } from './read-trusted.ts';
import { clip } from '../util/clip.ts';

export const EVENTS_MAX_BYTES = 512 * 1024;
/** No line is longer: a long text in an event (a command line, a message) is clipped. */
export const EVENT_LINE_MAX = 16 * 1024;

export interface EventRecord {
  time: string;
  event: string;
  [k: string]: unknown;
}

export function appendEvent(stateDir: string, event: string, fields: Record<string, unknown> = {}): EventRecord {
  const rec: EventRecord = { time: new Date().toISOString(), event, ...fields };
  const file = filePath(stateDir, 'events');
  const size = appendLine(file, eventLine(rec));
  try {
    if (size > EVENTS_MAX_BYTES) trim(file);
  } catch {
    /* the log is best effort past this point */
  }
  return rec;
}

/** The record as one JSON line of at most EVENT_LINE_MAX bytes. */
export function eventLine(rec: EventRecord): string {
  const full = JSON.stringify(rec) + '\n';
  if (Buffer.byteLength(full) <= EVENT_LINE_MAX) return full;
  const short = (_k: string, v: unknown) =>
    typeof v === 'string' ? clip(v, 1024) : Array.isArray(v) && v.length > 32 ? [...v.slice(0, 31), `... [${v.length - 31} more]`] : v;
  const clipped = JSON.stringify(rec, short) + '\n';
  if (Buffer.byteLength(clipped) <= EVENT_LINE_MAX) return clipped;
  return JSON.stringify({ time: rec.time, event: clip(rec.event, 64), clippedBytes: Buffer.byteLength(full) }) + '\n';
}

/** Append `line`; the file's size after it. */
function appendLine(file: string, line: string): number {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for writing would wait for a reader; it fails (ENXIO) instead.
    fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw configError(`${file} is a symbolic link; safehalt never writes through one. Remove it (rm ${file}).`);
    if (code === 'ENXIO' || code === 'EISDIR') throw notRegular(file, code === 'ENXIO' ? 'a FIFO' : 'a directory');
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(file, fileType(st));
    adoptIfNew(fd, file, st);
    appendAll(fd, line); // the whole line or nothing, even on a full disk
    return st.size + Buffer.byteLength(line);
  } finally {
    closeSync(fd);
  }
}

const notRegular = (file: string, what: string) =>
  configError(`${file} is ${what}, not a regular file; move it aside (mv ${file} ${file}.bad) and start again.`);

/** Created just now by root in a job's directory owned by someone else: the file is the job's. */
function adoptIfNew(fd: number, file: string, st: Stats): void {
  if (st.size > 0 || st.uid !== 0 || process.getuid?.() !== 0) return; // not new, or not root's
  const owner = ownerOf(path.dirname(file));
  if (owner && owner.uid !== 0) fchownSync(fd, owner.uid, owner.gid);
}

function trim(file: string): void {
  const keep = readTrustedText(file, EVENTS_MAX_BYTES / 2, true) ?? '';
  writeAtomicSync(file, keep.slice(keep.indexOf('\n') + 1), { durable: false });
}

/** Only the tail is read: enough for any `last` a command asks for, whatever the file's size. */
export const EVENTS_READ_MAX = 2 * EVENTS_MAX_BYTES;

export function readEvents(stateDir: string, last = 10): EventRecord[] {
  const text = readTrustedText(filePath(stateDir, 'events'), EVENTS_READ_MAX, true) ?? '';
  const out: EventRecord[] = [];
  for (const line of text.split('\n').slice(-(last + 2))) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as EventRecord);
    } catch {
      /* a torn last line from a crash, or the first line of the tail, cut */
    }
  }
  return out.slice(-last);
}
