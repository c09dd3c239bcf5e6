// `item fail`, `item ok` and `item reset`: one item's read-modify-write under its lock.
import { lstatSync } from 'node:fs';
import { appendEvent } from '../state/events.ts';
import { isOpen, recordFailure, type Failure } from './decide.ts';
import { itemKey } from './id.ts';
import { recordFile } from './layout.ts';
import { withLock } from './lock.ts';
import { setMarker } from './markers.ts';
import type { ItemRecord } from './record.ts';
import { readRecord, updateRecord } from './store.ts';
import { removeIfPresent } from '../state/read-trusted.ts';

export interface FailResult {
  record: ItemRecord;
  /** This failure opened the item's circuit (for the job's default limit). */
  opened: boolean;
}

export async function failItem(stateDir: string, id: string, f: Failure, jobDefault: number): Promise<FailResult> {
  const { before, after } = await updateRecord(stateDir, id, (cur) => {
    const next = recordFailure(cur, id, f, new Date());
    return { next, open: isOpen(next, jobDefault) };
  });
  const opened = isOpen(after, jobDefault) && !isOpen(before, jobDefault);
  if (opened) appendEvent(stateDir, 'item-opened', { id, failures: after!.failures, lastClass: after!.lastClass });
  return { record: after!, opened };
}

/** A success: forget the item's failures. No lock and no write when there is nothing to forget. */
export async function okItem(stateDir: string, id: string): Promise<ItemRecord | undefined> {
  if (readRecord(stateDir, id) === undefined) {
    setMarker(stateDir, itemKey(id), false);
    return undefined;
  }
  const { before } = await updateRecord(stateDir, id, (cur) => (cur ? { next: undefined, open: false } : null));
  return before;
}

/**
 * Forget an item on a person's request. Unlike `ok`, its record is removed even when it cannot be
 * read: asking to forget it is the answer to a corrupt record too.
 */
export async function forgetKey(stateDir: string, key: string): Promise<boolean> {
  const file = recordFile(stateDir, key);
  const removed = present(file) && (await withLock(file, () => removeIfPresent(file)));
  setMarker(stateDir, key, false);
  return removed;
}

export async function resetItem(stateDir: string, id: string): Promise<boolean> {
  const removed = await forgetKey(stateDir, itemKey(id));
  if (removed) appendEvent(stateDir, 'item-reset', { id });
  return removed;
}

function present(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
