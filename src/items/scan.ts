// Reading the whole store (list, prune, reset --all, a changed default): every record, checked.
// A corrupt record stops the scan with exit 78 naming it; nothing is skipped silently.
import { isOpen } from './decide.ts';
import { allKeys, recordFile } from './layout.ts';
import { syncMarkers } from './markers.ts';
import { untrusted } from '../state/read-trusted.ts';
import { readRecordFile } from './record-file.ts';
import { itemKey } from './id.ts';
import type { ItemRecord } from './record.ts';

export interface Entry {
  key: string;
  record: ItemRecord;
}

/** Every record in the store (records removed meanwhile are left out). */
export function* scanRecords(stateDir: string): Generator<Entry> {
  for (const key of allKeys(stateDir)) {
    const file = recordFile(stateDir, key);
    const record = readRecordFile(file);
    if (record === undefined) continue;
    if (itemKey(record.id) !== key) throw untrusted(file, `it holds item ${JSON.stringify(record.id)}, whose record has another name`);
    yield { key, record };
  }
}

/** Re-derive items/open/ from the records, for the limit `jobDefault`. Returns the open entries. */
export function rebuildMarkers(stateDir: string, jobDefault: number): Entry[] {
  const open: Entry[] = [];
  for (const e of scanRecords(stateDir)) if (isOpen(e.record, jobDefault)) open.push(e);
  syncMarkers(stateDir, new Set(open.map((e) => e.key)));
  return open;
}
