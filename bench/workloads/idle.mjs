// Workload 2: idle cost. Every contender supervises one `sleep` child, all at once (idle processes
// do not compete). After a settling time, over the window: the supervisor's CPU, its wake-ups
// (voluntary context switches of all its threads), and its resident memory at the end.
import { NODE24 } from '../lib/contenders.mjs';
import { anonMiB, cpuPreciseMs as cpuMs, dropPageCache, now, removeTemp, rssMiB, sleep, tempDir, wakeups } from '../lib/proc.mjs';

const CHILD = ['/bin/sleep', '100000'];

export async function idleCost({ contenders, windowMs, settleMs, log }) {
  const running = [];
  const rows = {};
  // The executables built or installed by this project are measured as if installed a while ago.
  for (const file of new Set([NODE24, ...contenders.map((c) => c.bin)].filter(Boolean))) dropPageCache(file);
  try {
    for (const c of contenders) {
      const dir = tempDir('idle');
      try {
        running.push({ c, dir, h: await c.start(CHILD, dir, { crash: false }) });
      } catch (e) {
        rows[c.name] = { error: e.message };
        removeTemp(dir);
      }
    }
    // Start-up and the first garbage collections after it (V8's memory reducer runs in the first
    // ~20 s) are not the cost of waiting: their CPU is reported apart.
    await sleep(settleMs);
    const t0 = now();
    const before = running.map(({ h }) => ({ cpu: cpuMs(h.pid), wake: wakeups(h.pid) }));
    log(`  idle: ${running.length} supervisors, ${windowMs / 1000} s window`);
    await sleep(windowMs);
    const minutes = (now() - t0) / 60_000;
    running.forEach(({ c, h }, i) => {
      const cpu = cpuMs(h.pid);
      const wake = wakeups(h.pid);
      const rss = rssMiB(h.pid);
      const anon = anonMiB(h.pid);
      if (cpu === null || before[i].cpu === null) rows[c.name] = { error: 'exited during the window' };
      else rows[c.name] = { startCpu: before[i].cpu, cpuPerMin: (cpu - before[i].cpu) / minutes, wakePerMin: (wake - before[i].wake) / minutes, rss, anon };
      log(`  idle ${c.name}: ${JSON.stringify(rows[c.name], (k, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}`);
    });
  } finally {
    for (const { h, dir } of running) {
      await h.dispose();
      removeTemp(dir);
    }
  }
  return rows;
}
