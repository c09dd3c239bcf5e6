// Workload 2: idle cost. Every contender supervises one `sleep` child, all at once (idle processes
// do not compete). After a settling time, over the window: the supervisor's CPU, its wake-ups
// (voluntary context switches of all its threads), and its resident memory at the end.
import path from 'node:path';
import { NODE24 } from '../lib/contenders.mjs';
import { anonMiB, cpuPreciseMs as cpuMs, dropPageCache, killTree, now, pssMiB, removeTemp, rssMiB, sleep, start, tempDir, wakeups } from '../lib/proc.mjs';

const CHILD = ['/bin/sleep', '100000'];

/** A bare Node 24 that waits (a timer), measured like the supervisors: the floor of RssAnon. */
const bareNode = {
  name: 'node (Node 24, idle: one timer)',
  bin: NODE24,
  start: async () => {
    const p = start(NODE24, ['-e', 'setInterval(() => {}, 1e9)']);
    return { pid: p.pid, dispose: async () => killTree(p.pid) };
  },
};

/** A bare Node 24 that writes a heartbeat file every 10 s, as safehalt does: the floor of idle CPU. */
export const HEARTBEAT_FLOOR = 'node (Node 24, a heartbeat file every 10 s)';
const heartbeatFloor = {
  name: HEARTBEAT_FLOOR,
  bin: NODE24,
  start: async (_argv, dir) => {
    const p = start(NODE24, [path.join(import.meta.dirname, '..', 'lib', 'heartbeat-floor.cjs'), path.join(dir, 'floor')]);
    return { pid: p.pid, dispose: async () => killTree(p.pid) };
  },
};

/** Ten idle safehalt jobs at once: PSS per job, what each more job costs the machine. */
export async function tenJobs({ contender, settleMs, log }) {
  const running = [];
  try {
    for (let i = 0; i < 10; i++) {
      const dir = tempDir('ten');
      running.push({ dir, h: await contender.start(CHILD, dir, { crash: false }) });
    }
    await sleep(settleMs);
    const pss = running.map(({ h }) => pssMiB(h.pid));
    const anon = running.map(({ h }) => anonMiB(h.pid));
    if (pss.some((x) => x === null)) return { error: 'a job exited' };
    const row = { pssPerJob: pss.reduce((a, b) => a + b, 0) / 10, anonPerJob: anon.reduce((a, b) => a + b, 0) / 10 };
    log(`  ten idle jobs: ${JSON.stringify(row)}`);
    return row;
  } finally {
    for (const { h, dir } of running) {
      await h.dispose();
      removeTemp(dir);
    }
  }
}

export async function idleCost({ contenders: peers, windowMs, settleMs, log }) {
  const contenders = NODE24 ? [bareNode, heartbeatFloor, ...peers] : peers;
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
