// Workload 4: reactions of safehalt. (a) During a long backoff (60 s), a stop request: the `.stop`
// file touched by hand, `safehalt stop`, SIGTERM; until the wrapper exits. (b) A child that never
// sends a heartbeat, under --stall-timeout 1s: from the child's start until it is killed, less the
// timeout. Stall detection may not be built yet: then the row says so.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openProbe } from '../lib/probe.mjs';
import { killTree, now, removeTemp, runBounded, sleep, start, tempDir, within } from '../lib/proc.mjs';
import { median } from '../lib/stats.mjs';

const STALL_MS = 1000;

const phase = (stateDir) => {
  try {
    return JSON.parse(readFileSync(path.join(stateDir, 'heartbeat.json'), 'utf8')).phase;
  } catch {
    return null;
  }
};

async function stopDuringBackoff(bin, how) {
  const dir = tempDir('react');
  const stateDir = path.join(dir, 'job');
  const p = start(bin, ['run', '--state-dir', stateDir, '--quiet', '--backoff-initial', '60s', '--backoff-max', '60s', '--backoff-jitter', '0', '--', '/bin/false']);
  try {
    const deadline = now() + 10_000;
    while (phase(stateDir) !== 'backoff' && now() < deadline) await sleep(20);
    if (phase(stateDir) !== 'backoff') return { error: 'never reached backoff' };
    await sleep(200);
    const t0 = now();
    if (how === 'file') writeFileSync(path.join(stateDir, '.stop'), '');
    else if (how === 'command') void runBounded(bin, ['stop', '--state-dir', stateDir], { timeoutMs: 10_000 });
    else process.kill(p.pid, 'SIGTERM');
    const exit = await within(p.exited, 5000);
    return exit === null ? { error: 'still running 5 s later' } : { ms: exit.at - t0 };
  } finally {
    killTree(p.pid);
    removeTemp(dir);
  }
}

async function stall(bin) {
  const dir = tempDir('stall');
  const probe = openProbe(dir);
  const stateDir = path.join(dir, 'job');
  const p = start(bin, ['run', '--state-dir', stateDir, '--quiet', '--stall-timeout', `${STALL_MS}ms`, '--backoff-initial', '60s', '--backoff-max', '60s', '--', ...probe.argv('pulse')]);
  try {
    const up = await within(probe.when('up'), 10_000);
    if (up === null) return { error: p.child.exitCode !== null ? `exited ${p.child.exitCode}` : 'child did not start' };
    const gone = await within(probe.when('gone'), STALL_MS + 3000);
    return gone === null ? { pending: true } : { ms: gone - up - STALL_MS };
  } finally {
    probe.close();
    killTree(p.pid);
    removeTemp(dir);
  }
}

/** `bins`: [{ tag, bin }], safehalt and maybe a baseline build, interleaved run by run. */
export async function reactions({ reps, log, bins }) {
  const cases = [
    ['file', '`.stop` touched during a 60 s backoff → wrapper exit', (bin) => stopDuringBackoff(bin, 'file')],
    ['command', '`safehalt stop` during a 60 s backoff → wrapper exit', (bin) => stopDuringBackoff(bin, 'command')],
    ['signal', 'SIGTERM during a 60 s backoff → wrapper exit', (bin) => stopDuringBackoff(bin, 'signal')],
    ['stall', `child heartbeat stall (--stall-timeout ${STALL_MS / 1000}s; one heartbeat as it starts) → child killed, beyond the timeout`, stall],
  ];
  const rows = [];
  for (const [key, what, fn] of cases) {
    const samples = new Map(bins.map((b) => [b.tag, []]));
    for (let i = 0; i < reps; i++)
      for (const { tag, bin } of bins) {
        const ss = samples.get(tag);
        // A stall that is not detected, or a failure, will be the same next time.
        if (ss.some((s) => s.pending || s.error)) continue;
        ss.push(await fn(bin));
      }
    for (const { tag } of bins) {
      const ss = samples.get(tag);
      const ok = ss.filter((s) => s.ms !== undefined);
      const bad = ss.find((s) => s.pending || s.error);
      const error = ok.length ? null : bad?.pending ? 'pending: --stall-timeout does not end a stalled child yet' : bad?.error ?? 'not run';
      rows.push({ key, tag, what: `${what}${tag}`, ms: median(ok.map((s) => s.ms)), error });
      log(`  reaction ${key}${tag}: ${error ?? `${rows.at(-1).ms.toFixed(1)} ms`}`);
    }
  }
  return rows;
}
