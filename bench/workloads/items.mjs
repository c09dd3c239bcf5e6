// Workload 6: item memory, measured by bench/items.mjs (item check/fail/ok with 0, 10,000 and
// 100,000 tracked items; item filter of 100,000 IDs). This runs it and keeps what it printed.
// Hook: while bench/items.mjs is absent, the row says the workload is pending.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NODE24, SAFEHALT } from '../lib/contenders.mjs';
import { runBounded } from '../lib/proc.mjs';

const SCRIPT = path.join(import.meta.dirname, '..', 'items.mjs');

export async function itemMemory({ runs, log }) {
  if (!existsSync(SCRIPT)) return { pending: 'bench/items.mjs is not there yet' };
  log(`  items: node bench/items.mjs ${path.relative(process.cwd(), SAFEHALT)} --runs ${runs}`);
  const r = await runBounded(NODE24 ?? process.execPath, [SCRIPT, SAFEHALT, '--runs', String(runs)], { timeoutMs: 300_000 });
  if (r.code !== 0) return { error: r.timedOut ? 'bench/items.mjs took more than 5 minutes' : `bench/items.mjs exited ${r.code}: ${r.err.trim().split('\n').pop()}` };
  const table = r.out.trim();
  // The first pattern that matches: bench/items.mjs has printed its table in more than one layout.
  const num = (...res) => {
    for (const re of res) {
      const m = re.exec(table);
      if (m) return Number(m[1]);
    }
    return null;
  };
  return {
    table,
    checkRatio: num(/ratio check@100k \/ check@0: ([\d.]+)/),
    filterMs: num(/all tracked[^:\n]*:\s*([\d.]+) ms/, /^filter 100,000 IDs \(all tracked\)\s+([\d.]+)/m),
  };
}
