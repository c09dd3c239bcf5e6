// `item list`: every tracked item with its memory, as rows for people (a table) or scripts (JSON).
import { printable } from '../util/printable.ts';
import { isOpen } from './decide.ts';
import { scanRecords } from './scan.ts';
import type { ItemRecord } from './record.ts';

/** A record as `list` shows it: its memory, and whether its circuit is open. */
export type ItemRow = Omit<ItemRecord, 'schema' | 'updatedAt'> & { open: boolean };

/** Rows sorted by ID; `brokenOnly` keeps the items whose circuit is open for `limit`. */
export function listItems(stateDir: string, limit: number, brokenOnly: boolean): ItemRow[] {
  const rows: ItemRow[] = [];
  for (const { record: r } of scanRecords(stateDir)) {
    const open = isOpen(r, limit);
    if (brokenOnly && !open) continue;
    rows.push({
      id: r.id,
      failures: r.failures,
      open,
      totalFailures: r.totalFailures,
      contentHash: r.contentHash,
      firstFailureAt: r.firstFailureAt,
      lastFailureAt: r.lastFailureAt,
      lastClass: r.lastClass,
      lastMessage: r.lastMessage,
    });
  }
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const HASH_SHOWN = 12;

/** A plain table: one header line, then one line per item; the ID last, as given, so it may hold spaces. */
export function formatTable(rows: readonly ItemRow[]): string {
  const cells = rows.map((r) => [
    r.open ? 'open' : 'closed',
    String(r.failures),
    r.lastFailureAt ?? '-',
    r.lastClass ?? '-',
    r.contentHash ? r.contentHash.slice(0, HASH_SHOWN) : '-',
    JSON.stringify(r.id).slice(1, -1),
  ]);
  const header = ['CIRCUIT', 'FAILS', 'LAST FAILURE', 'CLASS', 'HASH', 'ID'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]))).join('  ');
  // A record can be planted: no control character of its class or ID reaches the terminal.
  return [header, ...cells].map((c) => printable(line(c))).join('\n') + '\n';
}
