// `item filter`: check a whole batch in one process. A record is read straight away until an item
// of its fan-out directory turns out to have none; that directory is then listed once, so that each
// further item with no record costs a hash and a set lookup, not a failed open (~8 µs: Node builds an
// exception). A batch of tracked items never lists a directory (100,000 of them: ~1.3 -> ~1.0 s).
// Only the items whose content hash changed are written (under their locks, as `check` does).
import { readItemsDefault } from './config.ts';
import { SKIP_EVENTS_PER_BATCH, recordSkips } from './check.ts';
import { isOpen, observe } from './decide.ts';
import { itemKey } from './id.ts';
import type { Line } from './input.ts';
import path from 'node:path';
import { isPrivateDir, itemsDir, likelyKeysIn, recordFileIn } from './layout.ts';
import { readRecordFile } from './record-file.ts';
import type { ItemRecord } from './record.ts';
import { updateRecord } from './store.ts';
import { appendEvent } from '../state/events.ts';

export interface FilterResult {
  /** The lines allowed, as given, in input order. */
  allowed: string[];
  skipped: ItemRecord[];
  /** Items whose counter a changed content hash cleared. */
  changed: number;
}

/** `limit` decides (0 = unlimited); `hashes` supplies hashes for lines that carry none. */
export async function filterItems(stateDir: string, lines: readonly Line[], limit: number, hashes: ReadonlyMap<string, string>): Promise<FilterResult> {
  // Per fan-out directory: its record keys once listed (null until an item there has no record),
  // and whether it is private (fast reads).
  const items = itemsDir(stateDir);
  const known = new Map<string, { keys: Set<string> | null; priv: boolean }>();
  const lookUp = (key: string, id: string): ItemRecord | undefined => {
    const xy = key.slice(0, 2);
    let f = known.get(xy);
    if (!f) known.set(xy, (f = { keys: null, priv: isPrivateDir(path.join(items, xy)) }));
    if (f.keys !== null && !f.keys.has(key)) return undefined;
    const rec = readRecordFile(recordFileIn(items, key), id, f.priv);
    if (rec === undefined) f.keys ??= likelyKeysIn(stateDir, xy);
    return rec;
  };
  const out: FilterResult = { allowed: [], skipped: [], changed: 0 };
  let jobDefault: number | undefined;
  for (const line of lines) {
    let rec = lookUp(itemKey(line.id), line.id);
    const hash = line.hash ?? hashes.get(line.id) ?? null;
    if (observe(rec, hash, new Date())) {
      jobDefault ??= readItemsDefault(stateDir);
      const markAt = jobDefault;
      const { before, after } = await updateRecord(stateDir, line.id, (cur) => {
        const next = observe(cur, hash, new Date());
        return next ? { next, open: isOpen(next, markAt) } : null;
      });
      if (before && after && after.failures < before.failures) {
        if (++out.changed <= SKIP_EVENTS_PER_BATCH) appendEvent(stateDir, 'item-changed', { id: line.id, cleared: before.failures });
      }
      rec = after;
    }
    if (isOpen(rec, limit)) out.skipped.push(rec!);
    else out.allowed.push(line.text);
  }
  await recordSkips(stateDir, out.skipped, 'filter');
  return out;
}
