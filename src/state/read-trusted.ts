// Reading a state file that must be trusted before it is used: a regular file of ours, not a link,
// that parses. Anything else is exit 78 with the file named; nothing is overwritten.
import { closeSync, constants, fstatSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { configError } from '../exit-codes.ts';

export const MAX_STATE_BYTES = 8 * 1024 * 1024;

const moveAside = (file: string) =>
  `Inspect it, then move it aside (mv ${file} ${file}.bad) to start with no memory of it, or restore it from a backup.`;

/** The file's text, or undefined when it does not exist. */
export function readTrustedText(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw configError(`${file} is a symbolic link; safehalt does not follow links in its state directory. Remove it (rm ${file}).`);
    if (code === 'EACCES') throw configError(`${file} cannot be read (permission denied); run as the job's user or fix its owner (chown).`);
    throw configError(`${file} cannot be read (${code}); check the state directory.`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw configError(`${file} is not a regular file; remove it and start again.`);
    const euid = process.geteuid?.();
    if (euid !== undefined && st.uid !== euid)
      throw configError(`${file} is owned by uid ${st.uid}, not by this user (uid ${euid}); run as the job's user or chown it.`);
    if (st.size > MAX_STATE_BYTES) throw configError(`${file} is ${st.size} bytes, more than a state file can be. ${moveAside(file)}`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Parsed JSON, or undefined when the file does not exist. */
export function readTrustedJson(file: string): unknown {
  const text = readTrustedText(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw configError(`${file} is corrupt (not valid JSON${text.length === 0 ? ': empty' : ''}). ${moveAside(file)}`);
  }
}

export const untrusted = (file: string, why: string) => configError(`${file} cannot be trusted: ${why}. ${moveAside(file)}`);

/** A trusted JSON file that must pass `check` (a validator returning a reason or null); undefined when absent. */
export function readChecked<T>(file: string, check: (v: unknown) => string | null): T | null {
  const v = readTrustedJson(file);
  if (v === undefined) return null;
  const why = check(v);
  if (why) throw untrusted(file, why);
  return v as T;
}

/** Remove a file if it is there; true when it was. */
export function removeIfPresent(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
