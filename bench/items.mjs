#!/usr/bin/env node
// Benchmark of per-item failure memory: the latency of one `item check` / `item fail` process with
// 0, 10,000 and 100,000 tracked items (it must stay a small constant over the process start), and
// one `item filter` of 100,000 IDs (it must take seconds at most). Each cell shows the median and,
// in parentheses, the fastest run: on a busy machine the fastest is the better measure of the work.
//
//   node bench/items.mjs [BINARY] [--runs N]      BINARY: default $SAFEHALT_BIN, else dist/safehalt
//
// A BINARY ending in .js/.cjs/.mjs/.ts is run with this node. Stores are seeded by writing record files
// in the store's format (src/items/record.ts, layout.ts) directly: seeding through 100,000 processes
// would take minutes. Every temp directory is removed at the end, also on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : Number(process.env.ITEMS_BENCH_RUNS ?? 15);
const BIN = path.resolve(args[0] ?? process.env.SAFEHALT_BIN ?? 'dist/safehalt');
if (!existsSync(BIN)) {
  console.error(`bench/items: no binary at ${BIN}; run npm run build, or give its path`);
  process.exit(2);
}
const [CMD, PRE] = /\.(c|m)?(j|t)s$/.test(BIN) ? [process.execPath, [BIN]] : [BIN, []];

const temps = [];
const cleanup = () => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
process.on('exit', cleanup);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(130));

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SAFEHALT_')));

function run(argv, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(CMD, [...PRE, ...argv], { env, input, maxBuffer: 1 << 28, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** [median, fastest] of `runs` runs. */
function timed(argvFor, { expect, runs, input }) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = run(argvFor(i), input);
    if (expect !== undefined && r.code !== expect) throw new Error(`${argvFor(i).join(' ')}: exit ${r.code}, expected ${expect}\n${r.stderr}`);
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)], times[0]];
}

const key = (id) => createHash('sha256').update(id, 'utf8').digest('hex');
const itemId = (i) => `owner/repo#${i}`;

/** A state dir with `n` tracked items: every third one has 3 failures (open), the rest 1. */
function seed(n) {
  const base = mkdtempSync(path.join(os.tmpdir(), 'safehalt-bench-items-'));
  temps.push(base);
  const dir = path.join(base, 'job');
  mkdirSync(path.join(dir, 'items', 'open'), { recursive: true, mode: 0o700 });
  const at = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const id = itemId(i);
    const k = key(id);
    const failures = i % 3 === 0 ? 3 : 1;
    mkdirSync(path.join(dir, 'items', k.slice(0, 2)), { recursive: true, mode: 0o700 });
    const rec = { schema: 1, id, failures, totalFailures: failures, contentHash: 'ab12', firstFailureAt: at, lastFailureAt: at, lastClass: 'exit:1', lastMessage: null, updatedAt: at };
    writeFileSync(path.join(dir, 'items', k.slice(0, 2), `${k}.json`), JSON.stringify(rec, null, 2) + '\n', { mode: 0o600 });
    if (failures >= 3) writeFileSync(path.join(dir, 'items', 'open', k), '', { mode: 0o600 });
  }
  return dir;
}

const SIZES = [0, 10_000, 100_000];
const OPS = [
  // name, argv of run i, expected exit code, needs tracked items
  ['check (untracked item)', (i) => ['item', 'check', `untracked-${i}`], 0, false],
  ['check (tracked item: go)', (i) => ['item', 'check', itemId(3 * i + 1)], 0, true],
  ['check (open item: skip, 86)', (i) => ['item', 'check', itemId(3 * i)], 86, true],
  ['fail', (i) => ['item', 'fail', itemId(3 * i + 2), '--class', 'exit:1'], 0, false],
  ['ok', (i) => ['item', 'ok', itemId(3 * i + 2)], 0, false],
];

console.error(`bench/items: ${BIN}, median of ${RUNS} runs; seeding stores of ${SIZES.join(', ')} items...`);
const dirs = Object.fromEntries(SIZES.map((n) => [n, seed(n)]));
// Round-robin over sizes and operations, so that a noisy moment of the machine spreads over all cells.
const times = new Map();
const add = (k, ms) => times.set(k, [...(times.get(k) ?? []), ms]);
for (let i = 0; i < RUNS; i++) {
  add('start', run(['--version']).ms);
  for (const n of SIZES) {
    for (const [name, argv, expect, needsTracked] of OPS) {
      if (n === 0 && needsTracked) continue;
      const r = run([...argv(i), '--state-dir', dirs[n]]);
      if (r.code !== expect) throw new Error(`${argv(i).join(' ')}: exit ${r.code}, expected ${expect}\n${r.stderr}`);
      add(`${name}@${n}`, r.ms);
    }
  }
}
const sorted = (k) => [...(times.get(k) ?? [])].sort((a, b) => a - b);
const med = (k) => sorted(k)[Math.floor(sorted(k).length / 2)] ?? NaN;
// The fastest run: what the work costs when nothing else competes for the machine.
const best = (k) => sorted(k)[0] ?? NaN;

const big = dirs[100_000];
const tracked = Array.from({ length: 100_000 }, (_, i) => `${itemId(i)}\tab12\n`).join('');
const fresh = Array.from({ length: 100_000 }, (_, i) => `new-${i}\n`).join('');
const [filterTracked, filterTrackedBest] = timed(() => ['item', 'filter', '--state-dir', big], { expect: 0, runs: 3, input: tracked });
const allowed = run(['item', 'filter', '--state-dir', big], tracked).stdout.split('\n').filter(Boolean).length;
const [filterFresh, filterFreshBest] = timed(() => ['item', 'filter', '--state-dir', big], { expect: 0, runs: 3, input: fresh });

const cell = (k) => `${med(k).toFixed(0)} (${best(k).toFixed(0)})`.padStart(11);
const w = Math.max(...OPS.map(([n]) => n.length), 30);
console.log(`\nsafehalt item: ms per process, median (fastest) of ${RUNS} runs; process start (--version): ${cell('start').trim()}`);
console.log(`${'tracked items'.padEnd(w)}  ${SIZES.map((n) => n.toLocaleString('en-US').padStart(11)).join('  ')}`);
for (const [name] of OPS)
  console.log(`${name.padEnd(w)}  ${SIZES.map((n) => (times.has(`${name}@${n}`) ? cell(`${name}@${n}`) : '-'.padStart(11))).join('  ')}`);
console.log(`\nfilter, 100,000 IDs on stdin, store of 100,000 items, median (fastest) of 3:`);
console.log(`  all tracked (${allowed} allowed): ${filterTracked.toFixed(0)} ms (${filterTrackedBest.toFixed(0)})`);
console.log(`  none tracked:                ${filterFresh.toFixed(0)} ms (${filterFreshBest.toFixed(0)})`);
const ratio = (k) => (med(`${k}@100000`) / med('check (untracked item)@0')).toFixed(2);
const ratioBest = (k) => (best(`${k}@100000`) / best('check (untracked item)@0')).toFixed(2);
// bench/workloads/items.mjs reads the first number of this line and the "all tracked ... ms" above.
console.log(
  `\nratio check@100k / check@0: ${ratio('check (untracked item)')} (untracked item, medians; fastest runs: ${ratioBest('check (untracked item)')}), ` +
    `tracked item: ${ratio('check (tracked item: go)')} (${ratioBest('check (tracked item: go)')}); 1.00 = no cost from the store's size`,
);
console.log(`filter of 100,000 IDs within 2 s (fastest run): ${Math.max(filterTrackedBest, filterFreshBest) <= 2000 ? 'yes' : 'NO'}`);
