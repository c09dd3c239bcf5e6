// Reading one record file, lean enough for a batch of 100,000: open without following links, fstat
// (a regular file of ours; skipped in a private directory), one read, close. Anything unusual (a
// link, not ours, too big, not JSON) goes to readTrustedText / readTrustedJson, whose exit-78
// message names the file and what to do.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { readTrustedJson, readTrustedText, untrusted } from '../state/read-trusted.ts';
import { parseRecord, type ItemRecord } from './record.ts';

/** No valid record comes near this: an ID of 1 KiB, a message of 2,000 characters, a few fields. */
export const MAX_RECORD_BYTES = 64 * 1024;

const EUID = process.geteuid?.();
const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const buf = Buffer.allocUnsafe(MAX_RECORD_BYTES + 1);

/**
 * The record in `file`, or undefined when there is none. `id`: the ID it must hold. `privateDir`: the
 * file's directory is ours and nobody else can write in it (layout.isPrivateDir), so every file in it
 * is ours too, and the fstat can go (open, one read, close).
 */
export function readRecordFile(file: string, id?: string, privateDir = false): ItemRecord | undefined {
  const text = privateDir ? readQuick(file) : readText(file);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = readTrustedJson(file);
  }
  return raw === undefined ? undefined : parseRecord(raw, file, id);
}

/** Open `file` without following links and hand the descriptor to `read`; undefined when absent. */
function withOpen(file: string, read: (fd: number) => string | undefined): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, FLAGS);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return slowPath(file);
  }
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

const readText = (file: string) =>
  withOpen(file, (fd) => {
    const st = fstatSync(fd);
    if (!st.isFile() || (EUID !== undefined && st.uid !== EUID) || st.size > MAX_RECORD_BYTES) return slowPath(file);
    // A short read (which a regular file does not give) fails to parse, and readTrustedJson reads again.
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n > st.size ? slowPath(file) : buf.toString('utf8', 0, n);
  });

const readQuick = (file: string) =>
  withOpen(file, (fd) => {
    // A regular file reads in full at once; anything else (a short read, a FIFO, a directory) fails
    // to parse or throws here, and slowPath says what it is.
    try {
      const n = readSync(fd, buf, 0, buf.length, 0);
      return n > MAX_RECORD_BYTES ? slowPath(file) : buf.toString('utf8', 0, n);
    } catch {
      return slowPath(file);
    }
  });

/** readTrustedText throws the right exit-78 error for a link, a foreign owner or not a regular file;
 * what is left to refuse is a size no record has. */
function slowPath(file: string): string | undefined {
  const text = readTrustedText(file);
  if (text !== undefined && Buffer.byteLength(text) > MAX_RECORD_BYTES)
    throw untrusted(file, `it is more than ${MAX_RECORD_BYTES} bytes, larger than any item record`);
  return text;
}
