// `item prune` and `item reset --all`: forgetting many items at once. Neither needs to read the
// records it drops (a corrupt record of an item that is gone is dropped too); each removal takes the
// item's lock, so a concurrent `fail` is either before it (and forgotten) or after it (and kept).
import { statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { appendEvent } from '../state/events.ts';
import { itemKey } from './id.ts';
import { allKeys, fanouts, itemsDir, namesIn } from './layout.ts';
import { markedKeys, setMarker } from './markers.ts';
import { forgetKey } from './mutate.ts';

/** A temp file of the atomic writer left by a crash: KEY.json.NNNN. */
const LEFTOVER_RE = /^[0-9a-f]{64}\.json\.\d+$/;
const LEFTOVER_AGE_MS = 10 * 60_000;

export interface PruneResult {
  kept: number;
  dropped: number;
  /** Temp files of interrupted writes that were removed. */
  leftovers: number;
}

/** Drop the memory of every item whose ID is not in `keepIds`. */
export async function pruneItems(stateDir: string, keepIds: Iterable<string>): Promise<PruneResult> {
  const keep = new Set<string>();
  for (const id of keepIds) keep.add(itemKey(id));
  const out: PruneResult = { kept: 0, dropped: 0, leftovers: removeLeftovers(stateDir) };
  for (const key of allKeys(stateDir)) {
    if (keep.has(key)) out.kept++;
    else if (await forgetKey(stateDir, key)) out.dropped++;
  }
  const have = new Set(allKeys(stateDir));
  for (const key of markedKeys(stateDir)) if (!have.has(key)) setMarker(stateDir, key, false);
  if (out.dropped) appendEvent(stateDir, 'items-pruned', { dropped: out.dropped, kept: out.kept });
  return out;
}

/** Forget every item. Returns how many records were removed. */
export async function resetAll(stateDir: string): Promise<number> {
  let removed = 0;
  for (const key of allKeys(stateDir)) if (await forgetKey(stateDir, key)) removed++;
  for (const key of markedKeys(stateDir)) setMarker(stateDir, key, false);
  removeLeftovers(stateDir);
  appendEvent(stateDir, 'item-reset', { all: true, removed });
  return removed;
}

function removeLeftovers(stateDir: string): number {
  const cutoff = Date.now() - LEFTOVER_AGE_MS;
  let n = 0;
  for (const xy of fanouts(stateDir)) {
    for (const name of namesIn(stateDir, xy)) {
      if (!LEFTOVER_RE.test(name)) continue;
      const file = path.join(itemsDir(stateDir), xy, name);
      try {
        if (statSync(file).mtimeMs < cutoff) {
          unlinkSync(file);
          n++;
        }
      } catch {
        /* removed meanwhile */
      }
    }
  }
  return n;
}
