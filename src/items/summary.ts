// What `status` and the metrics file show of item memory, cheaply: directory listings and one small
// counter file, never every record. `tracked` counts record files; `brokenCount` counts open markers
// (items/open/), which follow the job's default limit; `skippedTotal` is items/skipped.json.
import { readTrustedJson } from '../state/read-trusted.ts';
import { allKeys, recordFile } from './layout.ts';
import { markedKeys } from './markers.ts';
import { readSkipped } from './counters.ts';
import { isRecord } from '../util/json.ts';

export interface ItemsSummary {
  /** Items with failure memory. */
  tracked: number;
  /** IDs of up to BROKEN_SHOWN items whose circuit is open. */
  broken: string[];
  brokenCount: number;
  /** Skips answered by `check` and `filter` over the job's life (a counter: it never goes down). */
  skippedTotal: number;
}

export const BROKEN_SHOWN = 20;

/** Read-only; a missing store reads as empty. Exit 78 if the skip counter is corrupt. */
export function itemsSummary(stateDir: string): ItemsSummary {
  const marked = markedKeys(stateDir);
  const broken: string[] = [];
  for (const key of marked) {
    if (broken.length >= BROKEN_SHOWN) break;
    const id = idOf(recordFile(stateDir, key));
    if (id !== undefined) broken.push(id);
  }
  return { tracked: allKeys(stateDir).length, broken, brokenCount: marked.length, skippedTotal: readSkipped(stateDir) };
}

/** Just the two figures the metrics file carries, without listing every record (each transition). */
export function itemsGauges(stateDir: string): { brokenCount: number; skippedTotal: number } {
  return { brokenCount: markedKeys(stateDir).length, skippedTotal: readSkipped(stateDir) };
}

/** The ID in a record file; undefined when it is gone or unreadable (`item list` reports that, exit 78). */
function idOf(file: string): string | undefined {
  try {
    const raw = readTrustedJson(file);
    return isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
  } catch {
    return undefined;
  }
}
