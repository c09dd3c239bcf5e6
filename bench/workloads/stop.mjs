// Workload 3: stop latency. A running child that dies on TERM, or one that traps TERM (and exits 0
// from its handler), is stopped by SIGTERM to the supervisor, or by the peer's own stop command.
// Measured from the signal (or the command's launch): the child's TERM handler runs, the child is
// gone; and, for a supervisor that exits, its exit after the child's.
import { median, rotate } from '../lib/stats.mjs';
import { openProbe } from '../lib/probe.mjs';
import { now, removeTemp, sleep, tempDir, within } from '../lib/proc.mjs';

const GONE_BOUND_MS = 3000;

async function once(c, child, how) {
  const dir = tempDir('stop');
  const probe = openProbe(dir);
  let h;
  try {
    h = await c.start(probe.argv(child), dir, { crash: false });
    if ((await within(probe.when('up'), 15_000)) === null) return { error: 'child did not start' };
    await sleep(250); // past the supervisor's own start-up writes
    const t0 = now();
    if (how === 'signal') h.stop();
    else void h.command();
    const gone = await within(probe.when('gone'), GONE_BOUND_MS);
    if (gone === null) return { error: `child still running after ${GONE_BOUND_MS / 1000} s` };
    const term = child === 'trap' ? probe.times.term : gone;
    const exit = how === 'signal' && h.exited ? await within(h.exited, 3000) : null;
    return { signalled: term === null ? null : term - t0, gone: gone - t0, exitAfter: exit ? exit.at - gone : null };
  } catch (e) {
    return { error: e.message };
  } finally {
    probe.close();
    await h?.dispose();
    removeTemp(dir);
  }
}

export async function stopLatency({ contenders, reps, log }) {
  const cases = [];
  for (const c of contenders)
    for (const child of ['dies', 'trap'])
      for (const how of ['signal', 'command']) if (how === 'signal' || c.commandName) cases.push({ c, child, how, samples: [] });
  for (let r = 0; r < reps; r++) {
    for (const k of rotate(cases, r)) {
      // A case that could not stop the child once will not next time: no need to wait again.
      if (k.samples.some((s) => s.error)) continue;
      const s = await once(k.c, k.child, k.how);
      k.samples.push(s);
      log(`  stop ${k.c.name} ${k.how} ${k.child}: ${s.error ?? `gone ${s.gone.toFixed(1)} ms`}`);
    }
  }
  return cases.map(({ c, child, how, samples }) => {
    const ok = samples.filter((s) => !s.error);
    const err = samples.find((s) => s.error)?.error;
    return {
      name: c.name,
      child,
      how: how === 'signal' ? 'SIGTERM' : c.commandName,
      error: ok.length ? null : err,
      signalled: median(ok.map((s) => s.signalled)),
      gone: median(ok.map((s) => s.gone)),
      exitAfter: median(ok.map((s) => s.exitAfter)),
    };
  });
}
