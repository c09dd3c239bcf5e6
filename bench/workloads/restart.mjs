// Workload 1: restart throughput. The child (/bin/false) exits at once; every contender restarts it
// with its shortest delay. Counted over a window after a warm-up: restarts per second, and the
// supervisor's own CPU (utime+stime of its process, children excluded) per restart.
import { median, rotate } from '../lib/stats.mjs';
import { cpuPreciseMs as cpuMs, now, removeTemp, sleep, tempDir } from '../lib/proc.mjs';

const CHILD = ['/bin/false'];
// runsv, s6-supervise and supervise wait a fixed second, supervisord ticks once a second: one
// round of these says all there is.
const SLOW = new Set(['supervisord', 'runsv', 's6-supervise', 'supervise']);

async function sample(h) {
  const before = now();
  const n = await h.count();
  const after = now();
  return { n, t: (before + after) / 2, cpu: cpuMs(h.pid) };
}

async function once(c, windowMs) {
  const dir = tempDir('restart');
  let h;
  try {
    h = await c.start(CHILD, dir, { crash: true });
    // Warm-up: past the supervisor's start-up, into its steady loop.
    const deadline = now() + 10_000;
    while (((await h.count()) ?? 0) < 1 && now() < deadline) await sleep(50);
    await sleep(300);
    const a = await sample(h);
    await sleep(windowMs);
    const b = await sample(h);
    if (a.n == null || b.n == null || a.cpu == null || b.cpu == null) return { error: 'no count' };
    const restarts = b.n - a.n;
    return { rate: (restarts / (b.t - a.t)) * 1000, cpuPer: restarts > 0 ? (b.cpu - a.cpu) / restarts : null, restarts };
  } catch (e) {
    return { error: e.message };
  } finally {
    await h?.dispose();
    removeTemp(dir);
  }
}

export async function restartThroughput({ contenders, rounds, windowMs, log }) {
  const samples = new Map(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of rotate(contenders, r)) {
      if (r > 0 && SLOW.has(c.name)) continue;
      const s = await once(c, SLOW.has(c.name) ? Math.min(windowMs, 3000) : windowMs);
      samples.get(c.name).push(s);
      log(`  restart ${c.name} round ${r + 1}: ${s.error ?? `${s.rate.toFixed(1)}/s, ${s.cpuPer?.toFixed(2)} ms CPU/restart`}`);
    }
  }
  const rows = {};
  for (const [name, ss] of samples) {
    const ok = ss.filter((s) => !s.error);
    rows[name] = ok.length
      ? { rate: median(ok.map((s) => s.rate)), cpuPer: median(ok.map((s) => s.cpuPer)), runs: ok.length }
      : { error: ss[0]?.error ?? 'not run' };
  }
  return rows;
}
