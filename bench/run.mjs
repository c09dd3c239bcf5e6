#!/usr/bin/env node
// npm run bench: safehalt against its peers (PM2, supervisord, runit, s6, daemontools) and two
// floors (a bash loop, a raw Node 24 spawn loop), on the same workloads, interleaved, on this
// machine. Prints medians and ratios; writes docs/PERFORMANCE.md.
//
//   npm run bench [-- --quick] [-- --only restart,idle,stop,reaction,startup,items]
//                 [-- --contenders 'safehalt,node spawn loop,pm2'] [-- --baseline OLD_BINARY]
//                 [-- --no-install] [-- --no-write]
//
// --baseline runs an earlier build of safehalt beside the current one, interleaved: before/after
// figures of a change from one run. --only, --contenders and --baseline leave docs/ alone.
//
// Builds dist/safehalt when it is missing; installs missing peers (apt-get as root, pm2 from npm
// into bench/.peers). Every process it starts runs in its own process group and is ended by pid;
// every step is bounded in time; temp dirs are removed, also on Ctrl-C.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NODE24, SAFEHALT, listContenders } from './lib/contenders.mjs';
import { installPeers } from './lib/install.mjs';
import { machine } from './lib/machine.mjs';
import { cleanupAll, runBounded } from './lib/proc.mjs';
import { checkTargets, idleTable, reactionTable, restartTable, startupTable, stopTable, targetsTable } from './lib/report.mjs';
import { idleCost, tenJobs } from './workloads/idle.mjs';
import { itemMemory } from './workloads/items.mjs';
import { reactions } from './workloads/reaction.mjs';
import { restartThroughput } from './workloads/restart.mjs';
import { COMMAND_REPS, startup } from './workloads/startup.mjs';
import { stopLatency } from './workloads/stop.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const DOC = path.join(ROOT, 'docs', 'PERFORMANCE.md');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
/** The value of --NAME VALUE or --NAME=VALUE, or null. */
function option(name) {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return i < 0 ? null : argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
}
const ONLY = option('only') && new Set(option('only').split(','));
const WITH = option('contenders') && new Set(option('contenders').split(','));
const BASELINE = option('baseline') && path.resolve(option('baseline'));
const P = QUICK
  ? { rounds: 1, windowMs: 2000, idleMs: 20_000, settleMs: 10_000, stopReps: 2, reactReps: 2, startReps: 3, itemRuns: 3 }
  : { rounds: 3, windowMs: 5000, idleMs: 60_000, settleMs: 30_000, stopReps: 4, reactReps: 5, startReps: 6, itemRuns: 7 };
const TOTAL_BOUND_MS = (QUICK ? 10 : 25) * 60_000;

const t0 = Date.now();
const log = (m) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${m}\n`);

process.on('exit', cleanupAll);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => process.exit(130));
setTimeout(() => {
  log(`the whole run took longer than ${TOTAL_BOUND_MS / 60_000} minutes: stopping`);
  process.exit(1);
}, TOTAL_BOUND_MS).unref();

async function prepare() {
  if (!existsSync(SAFEHALT)) {
    log('dist/safehalt is missing: npm run build');
    const b = await runBounded('npm', ['run', 'build'], { timeoutMs: 15 * 60_000, env: process.env, cwd: ROOT });
    if (b.code !== 0) throw new Error(`npm run build failed:\n${b.out}${b.err}`);
  }
  const missing = await installPeers({ log, install: !argv.includes('--no-install') });
  const usable = listContenders({ baseline: BASELINE }).filter((c) => c.needs() && !(c.peer && missing[c.peer]) && (!WITH || WITH.has(c.name.replace(' (baseline)', ''))));
  for (const [peer, why] of Object.entries(missing)) if (why) log(`peer ${peer} missing: ${why}`);
  return { missing, usable };
}

async function step(name, fn) {
  if (ONLY && !ONLY.has(name)) return undefined;
  log(`${name} ...`);
  try {
    return await fn();
  } catch (e) {
    log(`${name} failed: ${e.stack ?? e.message}`);
    return { error: e.message };
  }
}

function render(res, m, missing) {
  const parts = [];
  const sec = (title, body, note) => body && parts.push(`### ${title}\n\n${note ? `${note}\n\n` : ''}${body}\n`);
  const ok = (x) => x && !x.error;
  if (ok(res.restart))
    sec(
      '1. Restart throughput',
      restartTable(res.restart),
      'The child (`/bin/false`) exits at once; each contender restarts it with its shortest delay: safehalt with `--backoff-initial 0 --max-consecutive-failures 0 --max-failures 0 --spike none` (`--mode loop --interval 0`, or service mode with `--min-uptime 0`), writing its durable state (`state.json`, `inflight.json`, fsync\'d) at every run; PM2 with `restart_delay 0` and `max_restarts` lifted; supervisord with `startsecs=0`. runsv, s6-supervise and supervise wait a fixed second by design (their run script also counts its starts). Medians of ' +
        `${P.rounds} round(s) of ${P.windowMs / 1000} s.`,
    );
  if (ok(res.idle))
    sec(
      '2. Idle cost',
      idleTable(res.idle, P.settleMs),
      `Each supervises one \`sleep\` child (defaults: safehalt writes heartbeat.json every 10 s), all at once, over ${P.idleMs / 1000} s after ${P.settleMs / 1000} s of settling (start-up and the first garbage collections after it; their CPU is the last column). CPU is user+system of the supervisor process (all threads, ns precision); wake-ups are the voluntary context switches of all its threads. PM2's figures are its daemon's. The page cache of the executables this project builds or installs (safehalt, Node 24) is dropped first, as for binaries installed a while ago: a file just written is cached whole, and fault-around then maps some 16 MB more of it into the RSS.`,
    );
  if (Array.isArray(res.stop)) sec('3. Stop latency', stopTable(res.stop), `From SIGTERM to the supervisor (or the launch of its stop command) until the child's TERM handler runs and until the child is gone; the supervisor's exit after the child's when it exits. Medians of ${P.stopReps}. PM2 gets SIGTERM at its daemon; PM2 is set to \`kill_signal: SIGTERM\` (its default is SIGINT).`);
  if (Array.isArray(res.reaction)) sec('4. Reaction', reactionTable(res.reaction), `Medians of ${P.reactReps}.`);
  if (Array.isArray(res.startup))
    sec('5. Start-up', startupTable(res.startup), `Launch until the child (a small perl program) reports that it runs; PM2 from \`pm2 start\` with no daemon running. Commands: process launch to exit. Medians of ${P.startReps} (commands: ${P.startReps * COMMAND_REPS}); NODE_EXTRA_CA_CERTS unset for every contender.`);
  if (res.items) sec('6. Item memory', res.items.table ? '```\n' + res.items.table + '\n```' : res.items.pending ? `Pending: ${res.items.pending}.` : `Not measured: ${res.items.error}`, 'By `bench/items.mjs` (medians of process runs).');
  const targets = checkTargets(res);
  const miss = Object.entries(missing ?? {}).filter(([, w]) => w);
  return [
    `Measured ${m.date} on ${m.nproc} cores (${m.cpu}), Linux ${m.kernel}, Node ${m.node}; load average at the start ${m.load}.`,
    `safehalt ${m.safehalt}; peers: ${m.peers}.${miss.length ? ` Missing: ${miss.map(([p, w]) => `${p} (${w})`).join(', ')}.` : ''}`,
    `Run: \`npm run bench${QUICK ? ' -- --quick' : ''}\` (${((Date.now() - t0) / 60_000).toFixed(1)} min).`,
    '',
    '### Targets',
    '',
    targetsTable(targets),
    '',
    ...parts,
  ].join('\n');
}

function writeDoc(body) {
  const BEGIN = '<!-- bench:begin (written by npm run bench) -->';
  const END = '<!-- bench:end -->';
  const block = `${BEGIN}\n${body}\n${END}`;
  let text = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
  if (text.includes(BEGIN) && text.includes(END)) text = text.slice(0, text.indexOf(BEGIN)) + block + text.slice(text.indexOf(END) + END.length);
  else text = `# Performance\n\n## Latest run\n\n${block}\n${text ? `\n${text}` : ''}`;
  writeFileSync(DOC, text);
  log(`wrote ${path.relative(process.cwd(), DOC)}`);
}

async function main() {
  const { missing, usable } = await prepare();
  const m = await machine(SAFEHALT, NODE24);
  log(`machine: ${m.nproc} cores, ${m.cpu}, Linux ${m.kernel}, Node ${m.node}, load ${m.load}`);
  log(`contenders: ${usable.map((c) => c.name).join(', ')}`);
  const res = {};
  const long = usable.filter((c) => !c.modes || c.modes.includes('long'));
  res.restart = await step('restart', () => restartThroughput({ contenders: usable, rounds: P.rounds, windowMs: P.windowMs, log }));
  res.idle = await step('idle', () => idleCost({ contenders: long, windowMs: P.idleMs, settleMs: P.settleMs, log }));
  const one = long.find((c) => c.name === 'safehalt');
  if (one) res.tenJobs = await step('idle', () => tenJobs({ contender: one, settleMs: P.settleMs, log }));
  res.stop = await step('stop', () => stopLatency({ contenders: long, reps: P.stopReps, log }));
  const bins = [{ tag: '', bin: SAFEHALT }, ...(BASELINE ? [{ tag: ' (baseline)', bin: BASELINE }] : [])];
  res.reaction = await step('reaction', () => reactions({ reps: P.reactReps, log, bins }));
  res.startup = await step('startup', () => startup({ contenders: long, reps: P.startReps, log, bins }));
  res.items = await step('items', () => itemMemory({ runs: P.itemRuns, log }));
  const body = render(res, m, missing);
  process.stdout.write(`\n${body}\n`);
  if (!argv.includes('--no-write') && !ONLY && !WITH && !BASELINE) writeDoc(body);
  else log('docs/PERFORMANCE.md left as it is (--no-write, --only, --contenders or --baseline)');
}

main().then(
  () => process.exit(0),
  (e) => {
    log(`failed: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);

