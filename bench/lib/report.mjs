// The results as Markdown tables (printed, and written into docs/PERFORMANCE.md), and the targets
// of issue 7 checked against them.
import { ratio } from './stats.mjs';

const f = (x, d = 1) => (x == null ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const times = (x) => (x == null ? '–' : `${x.toFixed(2)}×`);
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function restartTable(rows) {
  const floor = rows['node spawn loop']?.rate;
  const pm2 = rows.pm2?.rate;
  return table(
    ['contender', 'restarts/s', '× node spawn loop', '× pm2', 'supervisor CPU ms/restart'],
    Object.entries(rows).map(([name, r]) =>
      r.error ? [name, `not measured: ${r.error}`, '', '', ''] : [name, f(r.rate), times(ratio(r.rate, floor)), times(ratio(r.rate, pm2)), f(r.cpuPer, 2)],
    ),
  );
}

export function idleTable(rows, settleMs) {
  return table(
    ['contender', 'RSS MiB', 'of which anonymous', 'CPU ms/min', 'wake-ups/min', `CPU ms, start-up and first ${settleMs / 1000} s`],
    Object.entries(rows).map(([name, r]) =>
      r.error ? [name, `not measured: ${r.error}`, '', '', '', ''] : [name, f(r.rss), f(r.anon), f(r.cpuPerMin, 2), f(r.wakePerMin, 0), f(r.startCpu)],
    ),
  );
}

export function stopTable(rows) {
  return table(
    ['contender', 'stopped by', 'child', 'TERM handler runs ms', 'child gone ms', 'supervisor exit after child ms'],
    rows.map((r) =>
      r.error
        ? [r.name, r.how, r.child === 'trap' ? 'traps TERM' : 'dies on TERM', `not stopped: ${r.error}`, '', '']
        : [r.name, r.how, r.child === 'trap' ? 'traps TERM' : 'dies on TERM', r.child === 'trap' ? f(r.signalled, 2) : '–', f(r.gone, 2), f(r.exitAfter, 2)],
    ),
  );
}

export const reactionTable = (rows) => table(['reaction (safehalt)', 'ms'], rows.map((r) => [r.what, r.error ?? f(r.ms, 1)]));

export function startupTable(rows) {
  const bare = rows.find((r) => r.name.startsWith('node -e 0'))?.ms;
  return table(
    ['start-up', 'ms', '× bare `node -e 0`'],
    rows.map((r) => [r.kind === 'launch' ? `${r.name}: launch → child runs` : r.name, r.error ?? f(r.ms, 1), r.error ? '' : times(ratio(r.ms, bare))]),
  );
}

/** Each target: what was measured, the bound, and whether it holds. */
export function checkTargets(res) {
  const out = [];
  const add = (target, value, ok, note = '') => out.push({ target, value, ok, note });
  const rs = res.restart ?? {};
  for (const mode of ['safehalt loop', 'safehalt']) {
    const r = rs[mode]?.rate;
    const label = mode === 'safehalt' ? 'service mode' : 'loop mode';
    const vsNode = ratio(r, rs['node spawn loop']?.rate);
    const vsPm2 = ratio(r, rs.pm2?.rate);
    if (vsNode != null) add(`restart throughput (${label}) ≥ 0.5× raw Node spawn loop`, times(vsNode), vsNode >= 0.5);
    if (vsPm2 != null) add(`restart throughput (${label}) ≥ 2× PM2`, times(vsPm2), vsPm2 >= 2);
  }
  const idle = res.idle?.safehalt;
  const bareIdle = Object.entries(res.idle ?? {}).find(([k]) => k.startsWith('node ('))?.[1];
  if (idle && !idle.error && bareIdle && !bareIdle.error)
    add('idle wrapper RssAnon within 2 MiB of an idle bare node', `+${f(idle.anon - bareIdle.anon, 1)} MiB`, idle.anon - bareIdle.anon <= 2, `${f(idle.anon, 1)} MiB vs ${f(bareIdle.anon, 1)} MiB`);
  if (res.tenJobs && !res.tenJobs.error) add('PSS per job, 10 idle jobs at once (no target set)', `${f(res.tenJobs.pssPerJob, 1)} MiB`, null, `RssAnon ${f(res.tenJobs.anonPerJob, 1)} MiB per job`);
  if (idle && !idle.error) {
    const floor = res.idle?.['node (Node 24, a heartbeat file every 10 s)'];
    const vsFloor = floor && !floor.error ? ratio(idle.cpuPerMin, floor.cpuPerMin) : null;
    const floorNote = vsFloor == null ? '' : `${times(vsFloor)} a bare Node writing the same heartbeat file (${f(floor.cpuPerMin, 2)} ms/min)`;
    add('idle CPU ≤ 10 ms per minute', `${f(idle.cpuPerMin, 2)} ms/min`, idle.cpuPerMin <= 10, floorNote);
    add('idle RSS ≤ 50 MiB', `${f(idle.rss)} MiB`, idle.rss <= 50);
  }
  const st = (res.stop ?? []).filter((r) => r.name === 'safehalt' && r.how === 'SIGTERM' && !r.error);
  const trap = st.find((r) => r.child === 'trap');
  if (trap) add('SIGTERM → child signalled ≤ 5 ms', `${f(trap.signalled, 2)} ms`, trap.signalled <= 5, 'time until the child’s TERM handler runs');
  const exitAfter = Math.max(...st.map((r) => r.exitAfter ?? -Infinity));
  if (st.length && Number.isFinite(exitAfter)) add('wrapper exit ≤ 20 ms after the child’s exit', `${f(exitAfter, 2)} ms`, exitAfter <= 20, 'worse of the two children');
  const file = (res.reaction ?? []).find((r) => r.key === 'file');
  if (file && !file.error) add('`.stop` during a backoff → exit ≤ 100 ms', `${f(file.ms)} ms`, file.ms <= 100);
  const stall = (res.reaction ?? []).find((r) => r.key === 'stall');
  if (stall) add('child heartbeat stall → kill (no target set)', stall.error ?? `${f(stall.ms)} ms after the timeout`, stall.error ? null : true);
  const su = res.startup ?? [];
  const bare = su.find((r) => r.name.startsWith('node -e 0'))?.ms;
  const launch = su.find((r) => r.kind === 'launch' && r.name === 'safehalt run --mode once');
  if (launch && !launch.error && bare) add('`run --mode once` launch → child running ≤ 1.5× bare `node -e 0`', times(launch.ms / bare), launch.ms / bare <= 1.5, `${f(launch.ms)} ms vs ${f(bare)} ms`);
  for (const r of su.filter((x) => x.kind === 'command' && x.name.startsWith('safehalt ') && !x.name.includes('(baseline)')))
    if (bare && r.ms) add(`\`${r.name}\` ≤ 1.25× bare \`node -e 0\``, times(r.ms / bare), r.ms / bare <= 1.25, `${f(r.ms)} ms vs ${f(bare)} ms`);
  const it = res.items;
  if (it?.checkRatio != null) add('item check at 100,000 items ≤ 1.1× at 0', times(it.checkRatio), it.checkRatio <= 1.1);
  if (it?.filterMs != null) add('item filter of 100,000 IDs ≤ 1 s', `${f(it.filterMs)} ms`, it.filterMs <= 1000);
  if (it?.pending) add('item memory', `pending: ${it.pending}`, null);
  return out;
}

export const targetsTable = (ts) =>
  table(['target', 'measured', 'met', 'note'], ts.map((t) => [t.target, t.value, t.ok === null ? '–' : t.ok ? 'yes' : '**no**', t.note]));
