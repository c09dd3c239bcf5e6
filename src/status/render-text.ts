// The human form of `status`: a few aligned lines, then the recent transitions.
import type { StatusView } from './read-status.ts';
import type { Marker } from '../state/markers.ts';
import { formatDuration } from '../util/duration.ts';
import { costSince } from '../policy/cost.ts';
import { printable } from '../util/printable.ts';

export const ago = (iso: string | null | undefined, now = Date.now()): string =>
  iso ? `${formatDuration(Math.max(0, now - Date.parse(iso)))} ago` : 'never';

const line = (label: string, text: string) => `${(label ? label + ':' : '').padEnd(14)}${text}`;

function marker(m: Marker): string {
  const by = m.by ? ` by ${m.by}` : '';
  const when = m.at ? ` ${ago(m.at)}` : '';
  return `${by}${when}: ${m.reason ?? '(no reason given: touched by hand)'}`.trimStart();
}

function byClass(counts: Record<string, number>): string {
  const parts = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : 'none';
}

function eventLine(e: Record<string, unknown>): string {
  const { time, event, ...rest } = e;
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : v}`)
    .join(' ');
  return `  ${String(time).replace('T', ' ').slice(0, 19)}  ${String(event).padEnd(12)} ${fields}`;
}

/** Failing is said on the state line itself: a stopped job whose last runs failed is not fine. */
function healthText(v: StatusView): string {
  if (v.health === 'failing') return `, FAILING: ${v.failuresInARow} failure${v.failuresInARow === 1 ? '' : 's'} in a row, not halted yet`;
  return v.health === 'healthy' ? ', healthy' : '';
}

function failureText(f: NonNullable<StatusView['lastFailure']>): string {
  const how = f.signal ?? (f.code === null ? '' : `code ${f.code}`);
  return `${ago(f.time)} (${f.time}): ${f.class}${how && !f.class.endsWith(`:${f.code}`) ? ` (${how})` : ''}`;
}

export function renderText(v: StatusView): string {
  const m = v.memory;
  const hb = v.heartbeat;
  const out = [line('job', `${v.name}  (${v.stateDir})`)];
  if (v.halt) {
    out.push(line('state', `HALTED ${v.halt.reason} since ${v.halt.since} (${ago(v.halt.since)})`));
    out.push(line('', v.halt.message), line('', `rule: ${v.halt.rule}; ${v.halt.explanation}`), line('resume', v.halt.resume));
  } else out.push(line('state', `${v.wrapperPid ? `${v.state} (wrapper pid ${v.wrapperPid})` : v.state}${healthText(v)}`));
  if (v.pauseFile) out.push(line('paused', marker(v.pauseFile)));
  if (v.stopFile) out.push(line('stop file', `${v.stopFile.now ? 'stop --now' : 'present'} ${marker(v.stopFile)}`.replace(' :', ':')));
  if (hb && v.wrapperPid) {
    const wait = hb.nextStartAt ? Date.parse(String(hb.nextStartAt)) - Date.now() : 0;
    const next = wait > 0 ? `, next start in ${formatDuration(wait)}${hb.phase === 'backoff' && hb.detail ? `: ${hb.detail}` : ''}` : '';
    const up = (iso: unknown) => ago(String(iso)).replace(' ago', '');
    // The child's uptime is its own; the wrapper's is told apart (service mode restarts the child under one wrapper).
    const child = hb.childPid && hb.childStartedAt ? `child pid ${hb.childPid} up ${up(hb.childStartedAt)}` : 'child pid -';
    out.push(line('phase', `${hb.phase} (iteration ${hb.iteration}, ${child}; wrapper up ${up(hb.startedAt)}${next})`));
    // A stop held for the child's action in flight says so (supervisor/action-hold.ts).
    if (hb.phase === 'stopping' && typeof hb.detail === 'string' && hb.detail.startsWith('waiting for action')) out.push(line('stopping', hb.detail));
    out.push(line('heartbeat', `${ago(String(hb.time))}`));
  }
  const cut = m.runs - m.successes - m.failures;
  const cutText = cut > 0 ? `, ${cut} stopped on request` : '';
  out.push(line('runs', `${m.runs} (${m.successes} ok, ${m.failures} failed${cutText}, ${m.consecutiveFailures} in a row), ${m.restarts} restarts`));
  out.push(line('failures', byClass(m.classCounts)));
  if (m.costTotal > 0 || m.budgetBase.cost > 0) out.push(line('cost', `${costSince(m.costTotal, m.budgetBase.cost)} since last resume (${costSince(m.costTotal, 0)} in all)`));
  if (v.child) {
    const c = v.child;
    const bits = [c.step && `step ${JSON.stringify(c.step)}`, c.progress && `progress ${JSON.stringify(c.progress)}`, c.action && `action in flight ${JSON.stringify(c.action.name)}`].filter(Boolean);
    out.push(line('child said', `${bits.join(', ') || 'heartbeat'} (${ago(c.time)})`));
  }
  if (v.items.tracked > 0 || v.items.skippedTotal > 0) {
    const ids = v.items.broken.map((id) => JSON.stringify(id)).join(', ');
    const more = v.items.brokenCount > v.items.broken.length ? `, and ${v.items.brokenCount - v.items.broken.length} more` : '';
    out.push(line('items', `${v.items.tracked} with failures, ${v.items.brokenCount} circuit-broken${ids ? `: ${ids}${more}` : ''}; ${v.items.skippedTotal} skips`));
  }
  out.push(line('last success', v.lastSuccess ? `${ago(v.lastSuccess)} (${v.lastSuccess})` : 'never'));
  if (v.lastFailure) out.push(line('last failure', failureText(v.lastFailure)));
  if (m.lastExit) out.push(line('last exit', `${m.lastExit.signal ?? `code ${m.lastExit.code}`} ${m.lastExit.cls ? `(${m.lastExit.cls})` : '(success)'} ${ago(new Date(m.lastExit.at.wall).toISOString())}`));
  const sr = v.stopReason;
  if (sr && v.state !== 'running') out.push(line('last stop', `${sr.reason} (exit ${sr.exitCode}) ${ago(String(sr.time))}: ${sr.message}`));
  if (v.events.length) out.push('recent:', ...v.events.map((e) => eventLine(e)));
  // Every text here may come from a user or a planted state file: no control character reaches the terminal.
  return out.map(printable).join('\n') + '\n';
}
