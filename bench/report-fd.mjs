#!/usr/bin/env node
// What one report costs the child: N lines `echo "progress $i" >&$SAFEHALT_FD` in a bash loop,
// against the same loop writing to /dev/null (the loop's own cost), against M calls of
// `safehalt heartbeat --progress x` (a process per report), and N `os.write` calls from Python.
// Each is timed inside the child with bash's $EPOCHREALTIME (or Python's perf_counter), under a
// real `safehalt run --mode once`, which must then have recorded the last token.
//
//   node bench/report-fd.mjs [BINARY] [--lines N] [--calls M] [--rounds R]
//
// Prints the median per-report cost of each, in microseconds. Temp dirs are removed at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(args.splice(i, 2)[1]);
};
const LINES = opt('lines', 20_000);
const CALLS = opt('calls', 20);
const ROUNDS = opt('rounds', 5);
const BIN = path.resolve(args[0] ?? process.env.SAFEHALT_BIN ?? 'dist/safehalt');
if (!existsSync(BIN)) {
  console.error(`bench/report-fd: no binary at ${BIN}; run npm run build, or give its path`);
  process.exit(2);
}
const temps = [];
process.on('exit', () => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const timed = (n, body) => `t0=$EPOCHREALTIME; for ((i = 0; i < ${n}; i++)); do ${body}; done; t1=$EPOCHREALTIME
echo "$t0 $t1" > "$OUT"`;
const CASES = {
  'bash loop, no report (floor)': { n: LINES, script: timed(LINES, 'echo "progress $i" >/dev/null') },
  'echo "progress $i" >&$SAFEHALT_FD': { n: LINES, script: timed(LINES, 'echo "progress $i" >&$SAFEHALT_FD') },
  'python3 os.write(fd, ...)': {
    n: LINES,
    script: `python3 - <<'EOF'
import os, time
fd = int(os.environ['SAFEHALT_FD']); t0 = time.time()
for i in range(${LINES}): os.write(fd, b'progress %d\\n' % i)
open(os.environ['OUT'], 'w').write('%f %f' % (t0, time.time()))
EOF`,
  },
  'safehalt heartbeat --progress x': { n: CALLS, script: timed(CALLS, `'${BIN}' heartbeat --progress "$i"`) },
};

/** One run of a case: microseconds per report, measured in the child. */
function once(name) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'safehalt-bench-fd-'));
  temps.push(dir);
  const child = path.join(dir, 'child.sh');
  const out = path.join(dir, 'times');
  writeFileSync(child, `#!/bin/bash\n${CASES[name].script}\n`, { mode: 0o755 });
  const r = spawnSync(BIN, ['run', '--mode', 'once', '--quiet', '--state-dir', path.join(dir, 'job'), '--', child], { env: { ...process.env, OUT: out }, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${name}: safehalt exited ${r.status}: ${r.stderr}`);
  const [t0, t1] = readFileSync(out, 'utf8').trim().split(' ').map(Number);
  if (!name.includes('floor')) {
    const hb = JSON.parse(readFileSync(path.join(dir, 'job', 'child-heartbeat.json'), 'utf8'));
    if (hb.progress !== String(CASES[name].n - 1)) throw new Error(`${name}: the last token was not recorded (${hb.progress})`);
  }
  return ((t1 - t0) * 1e6) / CASES[name].n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(Object.keys(CASES).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) for (const name of Object.keys(CASES)) results[name].push(once(name));

const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`report cost, median of ${ROUNDS} interleaved rounds (${LINES} lines, ${CALLS} heartbeat calls); load ${load}, ${os.cpus().length} CPUs`);
console.log('| how the child reports | per report | target |');
console.log('| --- | --- | --- |');
for (const [name, xs] of Object.entries(results)) {
  const us = median(xs);
  const shown = us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`;
  const target = name.includes('floor') ? '' : us < 1000 ? 'under 1 ms: met' : 'under 1 ms: not met';
  console.log(`| \`${name}\` | ${shown} | ${target} |`);
}
