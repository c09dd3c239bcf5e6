// Reading a state file that must be trusted before it is used: a regular file of ours, not a link,
// that parses. Anything else is exit 78 with the file named; nothing is overwritten.
import { lstatSync, unlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
import { configError } from '../exit-codes.ts';
import { ReadRefused, readBoundedText } from './read-bounded.ts';

export const MAX_STATE_BYTES = 8 * 1024 * 1024;

const moveAside = (file: string) =>
  `Inspect it, then move it aside (mv ${file} ${file}.bad) to start with no memory of it, or restore it from a backup.`;

/** The one line that says why `file` is refused, and what to do. */
export function refusedMessage(r: ReadRefused): string {
  const file = r.file;
  switch (r.refusal) {
    case 'link':
      return `${file} is a symbolic link; safehalt does not follow links in its state directory. Remove it (rm ${file}).`;
    case 'denied':
      return `${file} cannot be read (permission denied); run as the job's user or fix its owner (chown).`;
    case 'not-regular':
      return `${file} is ${r.detail}, not a regular file; move it aside (mv ${file} ${file}.bad) and start again.`;
    case 'too-big':
      return `${file} is ${r.detail}, more than a state file can be. ${moveAside(file)}`;
    case 'unreadable':
      return `${file} cannot be read (${r.detail}); check the state directory.`;
  }
}

/** A file of the state directory must belong to this user (root's files too; root acting on a
 * User= job also reads that user's: those owned by the directory's owner). */
export function vetOwner(file: string, st: Stats): void {
  const euid = process.geteuid?.();
  if (euid !== undefined && st.uid !== euid && !(euid === 0 && st.uid === dirOwner(file)))
    throw configError(`${file} is owned by uid ${st.uid}, not by this user (uid ${euid}); run as the job's user or chown it.`);
}

/** The file's text, or undefined when it does not exist. */
export function readTrustedText(file: string, maxBytes = MAX_STATE_BYTES, tail = false): string | undefined {
  try {
    return readBoundedText(file, { maxBytes, tail, vet: (st) => vetOwner(file, st) });
  } catch (e) {
    if (e instanceof ReadRefused) throw configError(refusedMessage(e));
    throw e;
  }
}

/** Root acting on a User= job reads that user's files: those owned by the directory's owner. */
function dirOwner(file: string): number | null {
  try {
    return lstatSync(path.dirname(file)).uid;
  } catch {
    return null;
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
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    // A directory planted in place of the file, or one this user may not remove: one line, not a trace.
    if (code === 'EISDIR') throw configError(`${file} is a directory, not a file; safehalt cannot remove it. Move it aside (mv ${file} ${file}.bad), then run the command again.`);
    if (code === 'EACCES' || code === 'EPERM') throw configError(`cannot remove ${file}: permission denied. Run as the job's user, or remove it by hand.`);
    throw e;
  }
}
