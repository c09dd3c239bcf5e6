// `item check` says why it skips an item once, not at every tick: the item's open marker
// (items/open/<key>) remembers the failure the skip was last reported for. A new failure, a reset
// or a rebuilt marker makes it a new condition, said again. Without a marker (a --max-retries below
// the job's limit), every skip is said.
import { closeSync, constants, fstatSync, openSync, readSync, writeSync, ftruncateSync } from 'node:fs';
import { markerFile } from './layout.ts';
import type { ItemRecord } from './record.ts';
import { itemKey } from './id.ts';

const MAX_NOTE = 512;

/** True: say the skip now (and it is remembered as said). */
export function firstSkip(stateDir: string, rec: ItemRecord): boolean {
  const note = JSON.stringify([rec.failures, rec.lastFailureAt, rec.contentHash]);
  let fd: number;
  try {
    fd = openSync(markerFile(stateDir, itemKey(rec.id)), constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return true;
  }
  try {
    if (!fstatSync(fd).isFile()) return true;
    const buf = Buffer.alloc(MAX_NOTE);
    const n = readSync(fd, buf, 0, MAX_NOTE, 0);
    if (buf.subarray(0, n).toString('utf8') === note) return false;
    ftruncateSync(fd, 0);
    writeSync(fd, note, 0);
    return true;
  } catch {
    return true;
  } finally {
    closeSync(fd);
  }
}
