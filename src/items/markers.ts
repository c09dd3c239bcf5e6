// items/open/<key>: an empty file per item whose circuit is open, so that `status` and the metrics
// can count and name broken items without reading every record. The records are the truth; a
// marker is set or cleared after each record write and rebuilt whenever the whole store is read.
import { closeSync, constants, openSync, readdirSync, unlinkSync } from 'node:fs';
import { configError } from '../exit-codes.ts';
import { KEY_RE, itemsDir, markerFile, openDir, vetDir } from './layout.ts';

export function setMarker(stateDir: string, key: string, open: boolean): void {
  const file = markerFile(stateDir, key);
  if (!open) {
    try {
      unlinkSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return;
  }
  vetDir(openDir(stateDir), true);
  try {
    // O_NONBLOCK: a FIFO planted here fails (ENXIO) instead of blocking; a marker is empty, never written.
    closeSync(openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw configError(`${file} is a symbolic link; remove it (rm ${file}).`);
    if (code === 'ENXIO' || code === 'EISDIR') throw configError(`${file} is not a regular file; move it aside (mv ${file} ${file}.bad).`);
    if (code === 'EACCES' || code === 'EPERM') throw configError(`${file} cannot be written (permission denied); run as the job's user or fix its owner (chown).`);
    throw e;
  }
}

/** Keys of the items marked open, sorted. */
export function markedKeys(stateDir: string): string[] {
  if (!vetDir(itemsDir(stateDir), false) || !vetDir(openDir(stateDir), false)) return [];
  return readdirSync(openDir(stateDir))
    .filter((n) => KEY_RE.test(n))
    .sort();
}

/** Make the markers match `openKeys` exactly (after reading every record). */
export function syncMarkers(stateDir: string, openKeys: ReadonlySet<string>): void {
  const have = new Set(markedKeys(stateDir));
  for (const k of openKeys) if (!have.has(k)) setMarker(stateDir, k, true);
  for (const k of have) if (!openKeys.has(k)) setMarker(stateDir, k, false);
}
