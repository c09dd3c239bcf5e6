// The one way state is written: write-file-atomic (temp file + fsync + rename), mode 0600, never
// through a symlink planted in place of the file.
import { lstatSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { configError } from '../exit-codes.ts';

export interface WriteOptions {
  /** fsync before rename: on for failure memory, off for heartbeats. */
  durable?: boolean;
}

export function refuseSymlink(file: string): void {
  try {
    if (lstatSync(file).isSymbolicLink())
      throw configError(`${file} is a symbolic link; safehalt never writes through one. Remove it (rm ${file}) and start again.`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

export async function writeAtomic(file: string, data: string, opts: WriteOptions = {}): Promise<void> {
  refuseSymlink(file);
  await writeFileAtomic(file, data, { mode: 0o600, fsync: opts.durable ?? true });
}

export function writeAtomicSync(file: string, data: string, opts: WriteOptions = {}): void {
  refuseSymlink(file);
  writeFileAtomic.sync(file, data, { mode: 0o600, fsync: opts.durable ?? true });
}

export const writeJson = (file: string, value: unknown, opts?: WriteOptions) =>
  writeAtomic(file, JSON.stringify(value, null, 2) + '\n', opts);

export const writeJsonSync = (file: string, value: unknown, opts?: WriteOptions) =>
  writeAtomicSync(file, JSON.stringify(value, null, 2) + '\n', opts);
