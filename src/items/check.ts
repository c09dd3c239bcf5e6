// `item check`: go or skip for one item. A read with no lock and no write in the common case; a
// write (under the item's lock) only when the content hash changed. A skip is counted and logged.
import { appendEvent } from '../state/events.ts';
import { addSkipped } from './counters.ts';
import { isOpen, observe } from './decide.ts';
import { readRecord, updateRecord } from './store.ts';
import type { ItemRecord } from './record.ts';

export interface CheckResult {
  go: boolean;
  record: ItemRecord | undefined;
  /** The failure count a changed content hash cleared (0 when nothing was reset). */
  cleared: number;
}

/**
 * Decide one item for `limit` (0 = unlimited); `jobDefault` is the limit its open marker follows.
 * `hash` is the item's content hash now, or null.
 */
export async function checkItem(stateDir: string, id: string, hash: string | null, limit: number, jobDefault: () => number): Promise<CheckResult> {
  let record = readRecord(stateDir, id);
  let cleared = 0;
  if (observe(record, hash, new Date())) {
    const { before, after } = await updateRecord(stateDir, id, (cur) => {
      const next = observe(cur, hash, new Date());
      return next ? { next, open: isOpen(next, jobDefault()) } : null;
    });
    record = after;
    cleared = after && before && after.failures < before.failures ? before.failures : 0;
    if (cleared) appendEvent(stateDir, 'item-changed', { id, cleared });
  }
  const go = !isOpen(record, limit);
  if (!go) await recordSkips(stateDir, [record!], 'check');
  return { go, record, cleared };
}

/** At most this many skips of one batch are logged one event each; the rest in one summary event. */
export const SKIP_EVENTS_PER_BATCH = 20;

/** Count skips in items/skipped.json and log them as `item-skipped` events in events.jsonl. */
export async function recordSkips(stateDir: string, skipped: readonly ItemRecord[], via: 'check' | 'filter'): Promise<void> {
  await addSkipped(stateDir, skipped.length);
  for (const r of skipped.slice(0, SKIP_EVENTS_PER_BATCH))
    appendEvent(stateDir, 'item-skipped', { id: r.id, failures: r.failures, lastClass: r.lastClass, via });
  const rest = skipped.length - SKIP_EVENTS_PER_BATCH;
  if (rest > 0) appendEvent(stateDir, 'item-skipped', { more: rest, via, note: `${rest} more items skipped in this batch` });
}
