// The one way state is written: write-file-atomic (temp file + fsync + rename), mode 0600, never
// through a symlink planted in place of the file.
import { lstatSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { configError, UserError } from '../exit-codes.ts';

export interface WriteOptions {
  /** fsync before rename: on for failure memory, off for heartbeats. */
  durable?: boolean;
  /** 0600 unless a reader under another user needs it (the metrics file: node_exporter). */
  mode?: number;
}

export function refuseSymlink(file: string): void {
  try {
    if (lstatSync(file).isSymbolicLink())
      throw configError(`${file} is a symbolic link; safehalt never writes through one. Remove it (rm ${file}) and start again.`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** A write that failed (disk full, read-only, permission): exit 78, naming the file and the cause. */
export function writeFailed(file: string, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err instanceof UserError) return err;
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
  };
  return configError(`cannot write ${file}: ${why[err.code ?? ''] ?? err.message}; safehalt does not run a job whose memory it cannot record. Fix the state directory, then start again.`);
}

export async function writeAtomic(file: string, data: string, opts: WriteOptions = {}): Promise<void> {
  refuseSymlink(file);
  try {
    await writeFileAtomic(file, data, { mode: opts.mode ?? 0o600, fsync: opts.durable ?? true });
  } catch (e) {
    throw writeFailed(file, e);
  }
}

export function writeAtomicSync(file: string, data: string, opts: WriteOptions = {}): void {
  refuseSymlink(file);
  try {
    writeFileAtomic.sync(file, data, { mode: opts.mode ?? 0o600, fsync: opts.durable ?? true });
  } catch (e) {
    throw writeFailed(file, e);
  }
}

export const writeJson = (file: string, value: unknown, opts?: WriteOptions) =>
  writeAtomic(file, JSON.stringify(value, null, 2) + '\n', opts);

export const writeJsonSync = (file: string, value: unknown, opts?: WriteOptions) =>
  writeAtomicSync(file, JSON.stringify(value, null, 2) + '\n', opts);
