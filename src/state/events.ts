// events.jsonl: a bounded log of transitions. Lines are appended with O_APPEND (one write each);
// past the bound the newest half is kept by an atomic rewrite. A reader skips a torn last line.
import { closeSync, constants, openSync, readFileSync, statSync } from 'node:fs';
import { appendAll } from './write-all.ts';
import { configError } from '../exit-codes.ts';
import { writeAtomicSync } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readTrustedText } from './read-trusted.ts';

export const EVENTS_MAX_BYTES = 512 * 1024;

export interface EventRecord {
  time: string;
  event: string;
  [k: string]: unknown;
}

export function appendEvent(stateDir: string, event: string, fields: Record<string, unknown> = {}): EventRecord {
  const rec: EventRecord = { time: new Date().toISOString(), event, ...fields };
  const file = filePath(stateDir, 'events');
  appendLine(file, JSON.stringify(rec) + '\n');
  try {
    if (statSync(file).size > EVENTS_MAX_BYTES) trim(file);
  } catch {
    /* the log is best effort past this point */
  }
  return rec;
}

function appendLine(file: string, line: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP')
      throw configError(`${file} is a symbolic link; safehalt never writes through one. Remove it (rm ${file}).`);
    throw e;
  }
  try {
    appendAll(fd, line); // the whole line or nothing, even on a full disk
  } finally {
    closeSync(fd);
  }
}

function trim(file: string): void {
  const text = readFileSync(file, 'utf8');
  const keep = text.slice(text.length - EVENTS_MAX_BYTES / 2);
  writeAtomicSync(file, keep.slice(keep.indexOf('\n') + 1), { durable: false });
}

export function readEvents(stateDir: string, last = 10): EventRecord[] {
  const text = readTrustedText(filePath(stateDir, 'events')) ?? '';
  const out: EventRecord[] = [];
  for (const line of text.split('\n').slice(-(last + 2))) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as EventRecord);
    } catch {
      /* a torn last line from a crash */
    }
  }
  return out.slice(-last);
}
