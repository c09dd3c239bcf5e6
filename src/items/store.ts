// Reading and writing one item's record. Reads need no lock (every write is an atomic rename); every
// change is a read-modify-write under the item's lock, written durably by the one atomic writer
// (src/state/atomic-write.ts), so a crash at any instant leaves the record before or after, never torn.
import { removeIfPresent } from '../state/read-trusted.ts';
import { writeJson } from '../state/atomic-write.ts';
import { itemKey } from './id.ts';
import { ensureFanout, recordFile } from './layout.ts';
import { withLock } from './lock.ts';
import { setMarker } from './markers.ts';
import type { ItemRecord } from './record.ts';
import { readRecordFile } from './record-file.ts';

/** The record of `id`, or undefined when it has none. Exit 78 on a corrupt or foreign file. */
export function readRecord(stateDir: string, id: string, key = itemKey(id)): ItemRecord | undefined {
  return readRecordFile(recordFile(stateDir, key), id);
}

/** What an update decides: the new record (undefined: delete it), and whether its circuit is open. */
export interface Update {
  next: ItemRecord | undefined;
  open: boolean;
}

/**
 * Read-modify-write of one record under its lock. `change` sees the current record and returns the
 * update, or null to leave everything as it is. Returns the record as it is afterwards.
 */
export async function updateRecord(
  stateDir: string,
  id: string,
  change: (rec: ItemRecord | undefined) => Update | null,
): Promise<{ before: ItemRecord | undefined; after: ItemRecord | undefined }> {
  const key = itemKey(id);
  const file = recordFile(stateDir, key);
  ensureFanout(stateDir, key);
  return withLock(file, async () => {
    const before = readRecord(stateDir, id, key);
    const u = change(before);
    if (!u) return { before, after: before };
    // The record first, then the open marker: the record is the truth, the marker an index of it.
    if (u.next) await writeJson(file, u.next, { durable: true });
    else removeIfPresent(file);
    setMarker(stateDir, key, u.next !== undefined && u.open);
    return { before, after: u.next };
  });
}

