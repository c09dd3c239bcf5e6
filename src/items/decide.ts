// The pure rules of item failure memory: when a circuit is open, what a check with a content hash
// changes, what a failure records. No I/O; the store applies what these return.
import type { ItemRecord } from './record.ts';
import { ITEM_SCHEMA } from './record.ts';

/** `item check` skips after this many consecutive failures unless told otherwise. */
export const DEFAULT_MAX_RETRIES = 3;

/** Open (skip) once `limit` consecutive failures are recorded; a limit of 0 never opens. */
export const isOpen = (rec: ItemRecord | undefined, limit: number): boolean =>
  rec !== undefined && limit > 0 && rec.failures >= limit;

/**
 * What a check (or filter) seeing content hash `hash` changes in a record, or undefined when it
 * changes nothing. An item with no record needs none. A hash different from the recorded one resets
 * the counter (the item was edited); a record with no hash yet (it failed before any check gave one)
 * adopts it and keeps its count.
 */
export function observe(rec: ItemRecord | undefined, hash: string | null, now: Date): ItemRecord | undefined {
  if (!rec || hash === null || hash === rec.contentHash) return undefined;
  const next: ItemRecord = { ...rec, contentHash: hash, updatedAt: now.toISOString() };
  if (rec.contentHash !== null) {
    next.failures = 0;
    next.firstFailureAt = null;
  }
  return next;
}

export interface Failure {
  cls: string | null;
  message: string | null;
  hash: string | null;
}

/** The record after one more failure. A failure of changed content starts a new count. */
export function recordFailure(rec: ItemRecord | undefined, id: string, f: Failure, now: Date): ItemRecord {
  const at = now.toISOString();
  const fresh = !rec || (f.hash !== null && rec.contentHash !== null && f.hash !== rec.contentHash);
  const failures = fresh ? 1 : rec.failures + 1;
  return {
    schema: ITEM_SCHEMA,
    id,
    failures,
    totalFailures: (rec?.totalFailures ?? 0) + 1,
    contentHash: f.hash ?? rec?.contentHash ?? null,
    firstFailureAt: failures === 1 ? at : (rec?.firstFailureAt ?? at),
    lastFailureAt: at,
    lastClass: f.cls,
    lastMessage: f.message,
    updatedAt: at,
  };
}
