// Crash consistency: the wrapper is SIGKILLed at random moments (seeded) while its child crash-loops,
// in several lanes at once, each on its own state directory. After every kill the state directory
// is checked with the project's own validators, and the next start is checked to report the
// interrupted iteration, keep the failure count, and keep a halt latched.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, cliArgv, stateDir, tempDir } from '../helpers/cli.ts';
import { checkStateDir } from './state-check.ts';
import { SEED, seeded } from './random.ts';
import { record } from './figures.ts';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 300);
const LANES = Number(process.env.RELIABILITY_LANES ?? 4);
const CHILD = path.join(import.meta.dirname, 'fixtures/crash-log.sh');
// High enough that most wrappers are killed before they halt, low enough that halts happen too.
const HALT_AFTER = 20;

const runArgs = (dir: string, log: string, tag = 0) => [
  'run', '--state-dir', dir,
  '--backoff-initial', '5ms', '--backoff-max', '30ms', '--backoff-jitter', '0.5',
  '--heartbeat-interval', '100ms',
  '--max-consecutive-failures', String(HALT_AFTER), '--max-failures', '0', '--spike', 'none',
  '--', CHILD, log, '0.02', String(tag),
];

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Start the wrapper; SIGKILL it after `delayMs` unless it ended by itself. */
function runAndKill(args: string[], delayMs: number): Promise<Ended> {
  const [cmd, argv] = cliArgv(args);
  const proc = spawn(cmd, argv, { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
  return new Promise((resolve) =>
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      // The orphaned child may hold the pipe a moment longer; what the wrapper wrote is all there.
      setTimeout(() => resolve({ code, signal, stderr }), 5);
    }),
  );
}

interface Lane {
  dir: string;
  log: string;
  kills: number;
  checks: number;
  halts: number;
  refusals: number;
  interruptsReported: number;
  killedAfter: Record<string, number>;
  problems: string[];
}

const childLines = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

async function lane(index: number, quota: number, random: () => number): Promise<Lane> {
  const l: Lane = { dir: stateDir(), log: path.join(tempDir(), 'children.log'), kills: 0, checks: 0, halts: 0, refusals: 0, interruptsReported: 0, killedAfter: {}, problems: [] };
  const problem = (what: string) => l.problems.push(`lane ${index}, kill ${l.kills}: ${what}`);
  let failures = 0;
  let latched = false;
  let pending: number | null = null; // an interrupted iteration not yet reported to a child
  let seenEvents = 0;
  let seenChildren = 0;
  let cycles = 0;
  while (l.kills < quota && l.problems.length === 0) {
    // A third of the kills land in the start-up (the wrapper takes the lock, vets its files and starts
    // the child within ~50 ms now), the rest across the runs, backoffs and halts.
    const delay = random() < 1 / 3 ? Math.floor(random() * 80) : 100 + Math.floor(random() * 1500);
    const cycle = ++cycles;
    const r = await runAndKill(runArgs(l.dir, l.log, cycle), delay);
    if (process.env.RELIABILITY_TRACE) console.log(`lane ${index}: delay ${delay} -> ${r.code ?? r.signal}`);
    if (r.signal === 'SIGKILL') l.kills++;
    else if (r.code === 80) l.halts++;
    else problem(`the wrapper ended with ${r.code ?? r.signal}: ${r.stderr.slice(-300)}`);
    if (/\n\s+at /.test(r.stderr)) problem(`a stack trace: ${r.stderr.slice(-300)}`);

    // 1. Every state file parses and validates.
    if (!existsSync(l.dir)) continue; // killed before it made the directory
    let c;
    try {
      c = checkStateDir(l.dir);
    } catch (e) {
      problem(`state check: ${(e as Error).message}`);
      break;
    }
    l.checks++;
    const events = c.events.slice(c.events.length < seenEvents ? 0 : seenEvents); // 0: the log was trimmed
    seenEvents = c.events.length;
    // Children of this cycle's wrapper (an orphan of the one killed before may log late).
    const fresh = childLines(l.log).slice(seenChildren);
    seenChildren += fresh.length;
    const children = fresh.filter((line) => line.startsWith(`${cycle} `));
    if (r.signal === 'SIGKILL') {
      const last = String(c.events.at(-1)?.event ?? 'none');
      l.killedAfter[last] = (l.killedAfter[last] ?? 0) + 1;
    }

    // Leftover temp files of cut-short writes are only the last wrapper's: each start removes them.
    if (c.temps.length > 3) problem(`leftover files pile up: ${c.temps.join(' ')}`);

    // 2. The failure count never goes backwards.
    const now = c.memory?.failures ?? 0;
    if (now < failures) problem(`failures went back from ${failures} to ${now}`);
    failures = now;

    // 3. The next start reports an interrupted iteration, to the log and to its first child.
    if (pending !== null && events.some((e) => e.event === 'supervising')) {
      const firstSupervising = events.findIndex((e) => e.event === 'supervising');
      const report = events.slice(0, firstSupervising).find((e) => e.event === 'interrupted');
      if (!report || report.iteration !== pending) problem(`iteration ${pending} was interrupted, the next start reported ${JSON.stringify(report ?? null)}; dir ${l.dir}; its events: ${events.map((e) => `${e.event}${e.iteration ? `(${e.iteration})` : ''}`).join(' ')}`);
    }
    if (pending !== null && children.length > 0) {
      const [, , flag, iteration] = children[0].split(' ');
      if (flag !== '1' || Number(iteration) !== pending) problem(`the first child after iteration ${pending} was interrupted saw "${children[0]}"`);
      else l.interruptsReported++;
      pending = null;
    }
    if (c.inflight) pending = c.inflight.iteration;

    // 4. A halt once written is never lost, and the next start refuses with 83.
    const lastTurn = [...c.events].reverse().find((e) => e.event === 'halted' || e.event === 'resumed');
    if (lastTurn?.event === 'halted' && !c.memory?.latch) problem('events.jsonl says halted, state.json has no latch');
    if (latched && !c.memory?.latch) problem('the latch was lost');
    latched = Boolean(c.memory?.latch);
    if (latched) {
      const refused = await runAndKill(runArgs(l.dir, l.log), 20_000);
      if (refused.code !== 83) problem(`a latched job started: exit ${refused.code} ${refused.stderr.slice(-300)}`);
      l.refusals++;
      const resumed = await runAndKill(['resume', '--state-dir', l.dir, '--reason', 'reliability test'], 20_000);
      if (resumed.code !== 0) problem(`resume failed: ${resumed.stderr}`);
      latched = false;
      seenEvents = checkStateDir(l.dir).events.length;
      seenChildren = childLines(l.log).length;
    }
  }
  return l;
}

const totals = { kills: 0, checks: 0, halts: 0, refusals: 0, interruptsReported: 0, killedAfter: {} as Record<string, number>, ms: 0 };

afterAll(() => record('crash', totals));

describe('crash consistency under SIGKILL', () => {
  it(`survives ${KILLS} kills at random moments across ${LANES} lanes (seed ${SEED})`, { timeout: 600_000 }, async () => {
    const t0 = Date.now();
    const random = seeded(SEED);
    const quota = Math.ceil(KILLS / LANES);
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, quota, seeded(Math.floor(random() * 2 ** 32)))));
    for (const l of lanes) {
      totals.kills += l.kills;
      totals.checks += l.checks;
      totals.halts += l.halts;
      totals.refusals += l.refusals;
      totals.interruptsReported += l.interruptsReported;
      for (const [k, v] of Object.entries(l.killedAfter)) totals.killedAfter[k] = (totals.killedAfter[k] ?? 0) + v;
    }
    totals.ms = Date.now() - t0;
    expect(lanes.flatMap((l) => l.problems)).toEqual([]);
    expect(totals.kills).toBeGreaterThanOrEqual(KILLS);
    // The kills landed across the transitions, not only at start-up.
    expect(Object.keys(totals.killedAfter)).toEqual(expect.arrayContaining(['supervising', 'started', 'backoff']));
  });
});
