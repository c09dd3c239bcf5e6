// Workload 5: start-up. Launch of each supervisor until its child runs (the child reports itself
// through a FIFO; a direct exec of the same child is the floor). And the short commands of
// safehalt: `--version`, `status` of a job with history, beside a bare Node start.
import path from 'node:path';
import { NODE24, SAFEHALT, safehalt } from '../lib/contenders.mjs';
import { openProbe } from '../lib/probe.mjs';
import { killTree, removeTemp, runBounded, start, tempDir, within } from '../lib/proc.mjs';
import { median, rotate } from '../lib/stats.mjs';

const direct = { name: 'direct exec (no supervisor)', start: (argv) => {
  const p = start(argv[0], argv.slice(1));
  return { pid: p.pid, startedAt: p.startedAt, dispose: async () => killTree(p.pid) };
} };

async function launch(c) {
  const dir = tempDir('start');
  const probe = openProbe(dir);
  let h;
  try {
    const t0 = Number(process.hrtime.bigint()) / 1e6;
    h = await c.start(probe.argv('dies'), dir, { crash: false });
    const up = await within(probe.when('up'), 15_000);
    return up === null ? { error: 'child did not start' } : { ms: up - (h.startedAt ?? t0) };
  } catch (e) {
    return { error: e.message };
  } finally {
    probe.close();
    await h?.dispose();
    removeTemp(dir);
  }
}

/** A state directory with some history for `status` to read: a few failed runs, then a stop. */
async function jobWithHistory() {
  const dir = tempDir('status');
  const stateDir = path.join(dir, 'job');
  await runBounded(SAFEHALT, ['run', '--state-dir', stateDir, '--quiet', '--mode', 'loop', '--interval', '0', '--max-iterations', '3', '--', '/bin/true'], { timeoutMs: 20_000 });
  await runBounded(SAFEHALT, ['run', '--state-dir', stateDir, '--quiet', '--mode', 'once', '--', '/bin/false'], { timeoutMs: 20_000 });
  return { dir, stateDir };
}

/** Each short command runs this many times per launch repetition: a command takes ~30 ms, and a median
 * of 12 moved by 10-15 % between runs here; of 36, less. */
export const COMMAND_REPS = 6;

export async function startup({ contenders, reps, log, bins = [{ tag: '', bin: SAFEHALT }] }) {
  // A cron tick: `run --mode once` of the current binary, beside the long-running contenders.
  const once = { name: 'safehalt run --mode once', start: safehalt('once', SAFEHALT) };
  const launchers = [direct, once, ...contenders];
  const launchMs = new Map(launchers.map((c) => [c.name, []]));
  for (let r = 0; r < reps; r++)
    for (const c of rotate(launchers, r)) {
      const s = await launch(c);
      launchMs.get(c.name).push(s);
      if (s.error) log(`  launch ${c.name}: ${s.error}`);
    }
  const { dir, stateDir } = await jobWithHistory();
  // pause and resume alternate on a job of their own; heartbeat reports to it as a child would.
  const other = path.join(dir, 'other');
  await runBounded(SAFEHALT, ['run', '--state-dir', other, '--quiet', '--mode', 'once', '--', '/bin/true'], { timeoutMs: 20_000 });
  const commands = [
    ['node -e 0 (Node 24, bare start)', NODE24, ['-e', '0']],
    ...bins.flatMap(({ tag, bin }) => [
      [`safehalt --version${tag}`, bin, ['--version']],
      [`safehalt --help${tag}`, bin, ['--help']],
      [`safehalt status${tag}`, bin, ['status', '--state-dir', stateDir]],
      [`safehalt status --json${tag}`, bin, ['status', '--json', '--state-dir', stateDir]],
      [`safehalt heartbeat --progress${tag}`, bin, ['heartbeat', '--progress', 'p1', '--state-dir', other]],
      [`safehalt item check${tag}`, bin, ['item', 'check', 'id-1', '--state-dir', other]],
      [`safehalt item fail${tag}`, bin, ['item', 'fail', 'id-2', '--state-dir', other]],
      [`safehalt item ok${tag}`, bin, ['item', 'ok', 'id-2', '--state-dir', other]],
      [`safehalt pause${tag}`, bin, ['pause', '--state-dir', other]],
      [`safehalt resume${tag}`, bin, ['resume', '--state-dir', other]],
      [`safehalt stop${tag}`, bin, ['stop', '--state-dir', other]],
    ]),
  ].filter(([, bin]) => bin);
  const cmdMs = new Map(commands.map(([n]) => [n, []]));
  // Rotated as a whole, so that each pause is followed by its resume and stop by the next resume.
  for (let r = 0; r < reps * COMMAND_REPS; r++)
    for (const [name, bin, args] of r % 2 ? [...commands].reverse() : commands) {
      const x = await runBounded(bin, args, { timeoutMs: 10_000 });
      cmdMs.get(name).push(x.timedOut || x.code === null ? null : x.ms);
    }
  removeTemp(dir);
  const rows = [];
  for (const [name, ss] of launchMs) {
    const ok = ss.filter((s) => !s.error);
    rows.push({ kind: 'launch', name, ms: median(ok.map((s) => s.ms)), error: ok.length ? null : ss[0]?.error });
  }
  for (const [name, ms] of cmdMs) rows.push({ kind: 'command', name, ms: median(ms) });
  for (const r of rows) log(`  start-up ${r.name}: ${r.error ?? `${r.ms?.toFixed(1)} ms`}`);
  return rows;
}
