// `item filter`: check a whole batch in one process. Each fan-out directory is listed once, so an
// item with no record costs a hash and a set lookup; only recorded items are read, and only those
// whose content hash changed are written (under their locks, as `check` does).
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
  // Per fan-out directory, listed once: its record keys, and whether it is private (fast reads).
  const items = itemsDir(stateDir);
  const known = new Map<string, { keys: Set<string>; priv: boolean }>();
  const fanout = (xy: string) => {
    let f = known.get(xy);
    if (!f) known.set(xy, (f = { keys: likelyKeysIn(stateDir, xy), priv: isPrivateDir(path.join(items, xy)) }));
    return f;
  };
  const out: FilterResult = { allowed: [], skipped: [], changed: 0 };
  let jobDefault: number | undefined;
  for (const line of lines) {
    const key = itemKey(line.id);
    const f = fanout(key.slice(0, 2));
    let rec = f.keys.has(key) ? readRecordFile(recordFileIn(items, key), line.id, f.priv) : undefined;
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
