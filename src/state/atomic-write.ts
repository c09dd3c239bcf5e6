// The one way state is written: a temp file beside the target (FILE.NNNN, as write-file-atomic names
// it), fsync when durable, rename over the target, then (durable) fsync the directory so the rename
// itself survives a power cut; mode 0600, the owner of a file it replaces kept,
// never through a symlink planted in place of the file. Synchronous underneath: five or six system
// calls cost less than the thread-pool round trips of an asynchronous write (a supervisor writes
// state at every run of its child).
import { closeSync, constants, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
import { writeAll } from './write-all.ts';
import { configError, EXIT, UserError } from '../exit-codes.ts';

export interface WriteOptions {
  /** fsync before rename: on for failure memory, off for heartbeats. */
  durable?: boolean;
  /** 0600 unless a reader under another user needs it (the metrics file: node_exporter). */
  mode?: number;
}

/** The target's lstat (null when absent); a symbolic link is refused. */
export function refuseSymlink(file: string): Stats | null {
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (st.isSymbolicLink()) throw configError(`${file} is a symbolic link; safehalt never writes through one. Remove it (rm ${file}) and start again.`);
  return st;
}

/** The owner of `p` (null when it cannot be read). */
export function ownerOf(p: string): { uid: number; gid: number } | null {
  try {
    const st = lstatSync(p);
    return { uid: st.uid, gid: st.gid };
  } catch {
    return null;
  }
}

/** fsync a directory, so that a rename or a new name in it is on disk (until then a power cut may undo it). */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Write `data` to a new temp file beside `file` and rename it over `file`. */
function replaceFile(file: string, data: string, mode: number, durable: boolean, old: Stats | null): void {
  let temp = '';
  let fd = -1;
  for (let tries = 0; fd < 0; tries++) {
    temp = `${file}.${(Math.random() * 2 ** 32) >>> 0}`;
    try {
      fd = openSync(temp, TEMP_FLAGS, mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 8) throw e;
    }
  }
  try {
    fchmodSync(fd, mode); // whatever the umask
    // A file written by root (safehalt resume under sudo, acting on a User= job) belongs to the
    // job: it keeps the owner of the file it replaces, and a new file gets the directory's owner.
    const owner = process.getuid?.() === 0 ? (old ?? ownerOf(path.dirname(file))) : null;
    if (owner && (owner.uid !== 0 || owner.gid !== 0)) fchownSync(fd, owner.uid, owner.gid);
    writeAll(fd, data); // all of it, or throw: a short write on a full disk is not success
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temp, file);
    if (durable) fsyncDir(path.dirname(file)); // the rename itself survives a power cut
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      /* not created, or gone */
    }
    throw e;
  }
}

/** A write that failed (disk full, read-only, permission): exit 78, naming the file and the cause. */
const WRITE_CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/** Why a write failed, in words. */
export const writeCause = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return WRITE_CAUSES[err.code ?? ''] ?? err.message;
};

export class WriteError extends UserError {
  readonly file: string;
  readonly why: string;

  constructor(file: string, why: string) {
    super(`cannot write ${file}: ${why}; safehalt does not run a job whose memory it cannot record. Fix the state directory, then start again.`, EXIT.CONFIG);
    this.file = file;
    this.why = why;
  }
}

export function writeFailed(file: string, e: unknown): Error {
  return e instanceof UserError ? e : new WriteError(file, writeCause(e));
}

export function writeAtomicSync(file: string, data: string, opts: WriteOptions = {}): void {
  const old = refuseSymlink(file);
  // A rename would replace the node itself: `--metrics-file /dev/null` made /dev/null a file.
  if (old && (old.isCharacterDevice() || old.isBlockDevice() || old.isSocket()))
    throw configError(`${file} is a device or socket, not a regular file; safehalt never replaces one (give the path of a regular file)`);
  try {
    replaceFile(file, data, opts.mode ?? 0o600, opts.durable ?? true, old);
  } catch (e) {
    throw writeFailed(file, e);
  }
}

export async function writeAtomic(file: string, data: string, opts: WriteOptions = {}): Promise<void> {
  writeAtomicSync(file, data, opts);
}

export const writeJson = (file: string, value: unknown, opts?: WriteOptions) =>
  writeAtomic(file, JSON.stringify(value, null, 2) + '\n', opts);

export const writeJsonSync = (file: string, value: unknown, opts?: WriteOptions) =>
  writeAtomicSync(file, JSON.stringify(value, null, 2) + '\n', opts);
