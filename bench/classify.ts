// The cost of classifying one exit: the built-in classes (exec, auth, rate-limit, transport) and the
// retry-hint scan, over a 64 KiB stderr tail (16 times the 4 KiB tail kept today), worst cases first.
// Prints microseconds per exit (median and 99th percentile); docs/PERFORMANCE.md has the figures.
//
//   node bench/classify.ts [--runs 2000] [--tail-4k]
import { explain, type Outcome } from '../src/policy/classify.ts';
import { DEFAULT_POLICY, type PolicyConfig } from '../src/policy/config.ts';
import { hintFromText } from '../src/policy/retry-hint.ts';

const KIB64 = 64 * 1024;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 2000;

// A Python traceback repeated: words, paths, numbers, no phrase of any class until the end.
const filler = '  File "/usr/lib/python3/dist-packages/app/worker.py", line 118, in process_batch\n    rows = fetch_rows(cursor, limit=500)\nValueError: invalid literal for int() with base 10: \'x\'\n';
const size = process.argv.includes('--tail-4k') ? 4096 : KIB64;
const pad = (end: string) => filler.repeat(Math.ceil(size / filler.length)).slice(0, size - end.length) + end;

const cases: [string, Outcome, PolicyConfig][] = [
  ['no class matches (every phrase scans the whole tail)', { code: 1, signal: null, durationMs: 5, stderrTail: pad('') }, DEFAULT_POLICY],
  ['transport phrase at the very end', { code: 7, signal: null, durationMs: 5, stderrTail: pad("curl: (7) Failed to connect to 127.0.0.1 port 5432 after 0 ms: Couldn't connect to server\n") }, DEFAULT_POLICY],
  ['rate-limit with a Retry-After at the end', { code: 22, signal: null, durationMs: 5, stderrTail: pad('< HTTP/1.1 429 Too Many Requests\n< retry-after: 20\n') }, DEFAULT_POLICY],
  ['one --classify regex that does not match, then no class', { code: 1, signal: null, durationMs: 5, stderrTail: pad('') }, { ...DEFAULT_POLICY, classify: [{ name: 'quota', pattern: /quota exceeded for project \w+/i }] }],
  ['a 127 (exec: only the last 2 KiB is read)', { code: 127, signal: null, durationMs: 5, stderrTail: pad('sh: 1: psql: not found\n') }, DEFAULT_POLICY],
];

function measure(o: Outcome, cfg: PolicyConfig): { median: number; p99: number } {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const v = explain(o, cfg);
    if (v) hintFromText(o.stderrTail, Date.now());
    t.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(runs / 2)], p99: t[Math.floor(runs * 0.99)] };
}

console.log(`classification per exit, ${size / 1024} KiB stderr tail, ${runs} runs each (µs, classify + retry hint):`);
console.log('| case | class | median µs | p99 µs |\n| --- | --- | --- | --- |');
for (const [name, o, cfg] of cases) {
  measure(o, cfg); // warm-up: the regexes compiled and optimised
  const r = measure(o, cfg);
  console.log(`| ${name} | ${explain(o, cfg)?.cls} | ${r.median.toFixed(0)} | ${r.p99.toFixed(0)} |`);
}
