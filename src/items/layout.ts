// Where item memory lives: STATE_DIR/items/XY/<sha256 of the ID>.json, fanned out over 256
// directories by the hash's first two digits; open circuits are also marked in items/open/<sha256>;
// the skip counter is items/skipped.json. No file name is ever made from an ID itself.
import { lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { configError } from '../exit-codes.ts';
import { filePath } from '../state/files.ts';

export const KEY_RE = /^[0-9a-f]{64}$/;
const FANOUT_RE = /^[0-9a-f]{2}$/;
const RECORD_RE = /^[0-9a-f]{64}\.json$/;

export const itemsDir = (stateDir: string): string => filePath(stateDir, 'items');
export const fanoutDir = (stateDir: string, key: string): string => path.join(itemsDir(stateDir), key.slice(0, 2));
/** The record file of `key` under the items directory `items` (a string join: filter calls it 100,000 times). */
export const recordFileIn = (items: string, key: string): string => `${items}${path.sep}${key.slice(0, 2)}${path.sep}${key}.json`;
export const recordFile = (stateDir: string, key: string): string => recordFileIn(itemsDir(stateDir), key);
export const openDir = (stateDir: string): string => path.join(itemsDir(stateDir), 'open');
export const markerFile = (stateDir: string, key: string): string => path.join(openDir(stateDir), key);
export const skippedFile = (stateDir: string): string => path.join(itemsDir(stateDir), 'skipped.json');

/** Is `dir` a real directory of ours (false when absent)? Creates it 0700 when `create`. Exit 78 on a link or a file. */
export function vetDir(dir: string, create: boolean): boolean {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw configError(`${dir} cannot be examined (${code}); check the owner and mode of ${path.dirname(dir)}.`);
    if (!create) return false;
    try {
      mkdirSync(dir, { mode: 0o700 });
      return true;
    } catch (e2) {
      // Another caller made it meanwhile: vet theirs.
      const code = (e2 as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return vetDir(dir, false);
      throw configError(`${dir} cannot be created (${code}); check the owner and mode of ${path.dirname(dir)}.`);
    }
  }
  if (st.isSymbolicLink()) throw configError(`${dir} is a symbolic link; safehalt does not follow links in its state directory. Remove it (rm ${dir}).`);
  if (!st.isDirectory()) throw configError(`${dir} is not a directory; move it aside (mv ${dir} ${dir}.bad).`);
  if (!ownedAsExpected(dir, st.uid))
    throw configError(`${dir} is owned by uid ${st.uid}, not by this job's user (uid ${EUID}): not a directory of this job's; run as the job's user, or chown it.`);
  return true;
}

const EUID = process.geteuid?.();

/** Ours, or (for root, who may act on any job) owned by whoever owns the directory above it. */
function ownedAsExpected(dir: string, uid: number): boolean {
  if (EUID === undefined || uid === EUID) return true;
  if (EUID !== 0) return false;
  try {
    return lstatSync(path.dirname(dir)).uid === uid;
  } catch {
    return false;
  }
}

/** Is `dir` a directory of ours that nobody else can write in? Then every file in it is ours. */
export function isPrivateDir(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && (EUID === undefined || st.uid === EUID) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Make sure the directory of `key`'s record exists (items/ and items/XY/). */
export function ensureFanout(stateDir: string, key: string): void {
  vetDir(itemsDir(stateDir), true);
  vetDir(fanoutDir(stateDir, key), true);
}

const names = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw configError(`${dir} cannot be listed (${(e as NodeJS.ErrnoException).code}).`);
  }
};

/** The keys of every record file in the fan-out directory `xy` (temp files and locks left out). */
export function keysIn(stateDir: string, xy: string): string[] {
  const out: string[] = [];
  for (const n of names(path.join(itemsDir(stateDir), xy))) if (n.length === 69 && n.startsWith(xy) && RECORD_RE.test(n)) out.push(n.slice(0, 64));
  return out;
}

/** The names in `xy` that may be records (KEY.json), unchecked: only for looking keys up, which are hex. */
export function likelyKeysIn(stateDir: string, xy: string): Set<string> {
  const out = new Set<string>();
  for (const n of names(path.join(itemsDir(stateDir), xy))) if (n.length === 69 && n.endsWith('.json')) out.add(n.slice(0, 64));
  return out;
}

/** The fan-out directories that exist, sorted. */
export function fanouts(stateDir: string): string[] {
  if (!vetDir(itemsDir(stateDir), false)) return [];
  const dirs = names(itemsDir(stateDir)).filter((n) => FANOUT_RE.test(n)).sort();
  for (const xy of dirs) vetDir(path.join(itemsDir(stateDir), xy), false);
  return dirs;
}

/** Every record key in the store. */
export const allKeys = (stateDir: string): string[] => fanouts(stateDir).flatMap((xy) => keysIn(stateDir, xy));

/** Every file name in the fan-out directory `xy`, for cleaning up leftovers. */
export const namesIn = (stateDir: string, xy: string): string[] => names(path.join(itemsDir(stateDir), xy));
