// The one way a file is read: opened without blocking (a FIFO planted in its place must not hang the
// wrapper), fstat'ed, refused unless a regular file, and never read past a bound (/dev/zero, a file
// that grows while read). Callers turn a refusal into their own one-line message and exit code.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export type Refusal = 'link' | 'not-regular' | 'too-big' | 'denied' | 'unreadable';

export class ReadRefused extends Error {
  readonly file: string;
  readonly refusal: Refusal;
  /** The errno code (unreadable, denied) or the file type (not-regular). */
  readonly detail: string;

  constructor(file: string, refusal: Refusal, detail: string) {
    super(`${file}: ${refusal} (${detail})`);
    this.file = file;
    this.refusal = refusal;
    this.detail = detail;
  }
}

export interface ReadOptions {
  /** Refuse a file larger than this many bytes (or read only its last `tail` bytes). */
  maxBytes: number;
  /** Follow a symbolic link (a path a user gave); state files never do. */
  follow?: boolean;
  /** Read only the last `maxBytes` of a larger file instead of refusing it (a log's tail). */
  tail?: boolean;
  /** Called with the fstat of the open file, before anything is read: throw to refuse it. */
  vet?: (st: Stats) => void;
}

/** A file's type in words, for messages. */
export function fileType(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK; // libuv adds O_CLOEXEC

/** True only when nothing is there; any other failure (EACCES, ELOOP) is left to the open to name. */
function missing(file: string, follow = false): boolean {
  try {
    return (follow ? statSync : lstatSync)(file, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

/** Open a regular file for reading: its descriptor, or undefined when it does not exist. */
export function openRegular(file: string, opts: Pick<ReadOptions, 'follow'> = {}): { fd: number; st: Stats } | undefined {
  // A missing file is the common case (no .stop, no child heartbeat yet): a failed open builds an
  // exception with its stack, ~0.1 ms in a busy wrapper, a stat that finds nothing does not. A
  // file that appears or goes in between is read, or found missing, by the open below.
  if (missing(file, opts.follow)) return undefined;
  let fd: number;
  try {
    fd = openSync(file, FLAGS | (opts.follow ? 0 : constants.O_NOFOLLOW));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new ReadRefused(file, 'link', code);
    if (code === 'EACCES' || code === 'EPERM') throw new ReadRefused(file, 'denied', code);
    throw new ReadRefused(file, 'unreadable', code);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new ReadRefused(file, 'not-regular', fileType(st));
  }
  return { fd, st };
}

/** The bytes of `file` (at most opts.maxBytes), or undefined when it does not exist. */
export function readBounded(file: string, opts: ReadOptions): Buffer | undefined {
  const open = openRegular(file, opts);
  if (!open) return undefined;
  const { fd, st } = open;
  try {
    opts.vet?.(st);
    if (!opts.tail && st.size > opts.maxBytes) throw new ReadRefused(file, 'too-big', `${st.size} bytes`);
    const from = opts.tail ? Math.max(0, st.size - opts.maxBytes) : 0;
    // One byte more than allowed tells a file that grew past the bound (or a /proc file of size 0).
    const cap = opts.tail ? opts.maxBytes : opts.maxBytes + 1;
    const out = readUpTo(fd, from, cap, st.size - from);
    if (out.length > opts.maxBytes) throw new ReadRefused(file, 'too-big', `more than ${opts.maxBytes} bytes`);
    return out;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof ReadRefused || typeof code !== 'string') throw e;
    throw new ReadRefused(file, 'unreadable', code);
  } finally {
    closeSync(fd);
  }
}

/** Read from `fd` at `from` until end of file or `cap` bytes, whichever comes first. */
function readUpTo(fd: number, from: number, cap: number, expected: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.min(cap, Math.max(expected + 1, 4096)));
  let n = 0;
  while (n < cap) {
    if (n === buf.length) {
      const bigger = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    const r = readSync(fd, buf, n, buf.length - n, from + n);
    if (r === 0) break;
    n += r;
  }
  return buf.subarray(0, n);
}

/** readBounded as UTF-8 text. */
export function readBoundedText(file: string, opts: ReadOptions): string | undefined {
  return readBounded(file, opts)?.toString('utf8');
}
