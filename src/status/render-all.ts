// The human form of `status --all`: one aligned line per job, worst first, then the roots read.
import type { HostView } from './scan-roots.ts';
import type { JobRow } from './job-row.ts';
import { ago } from './render-text.ts';

const HEADER = ['JOB', 'STATE', 'SINCE', 'LAST SUCCESS', 'FAILS', 'DIR'];

/** Halted and failing jobs are the ones to read: their state is in capitals. */
function stateOf(r: JobRow): string {
  if (r.kind === 'halted') return 'HALTED';
  if (r.kind === 'failing') return `FAILING (${r.phase})`;
  if (r.kind === 'untrusted' || r.kind === 'unreadable') return r.kind.toUpperCase();
  return r.phase;
}

function noteOf(r: JobRow): string {
  if (r.halt) return `${r.halt.reason} (${r.halt.rule}); resume: ${r.halt.resume}`;
  return r.problem ?? '';
}

function cells(r: JobRow): string[] {
  const since = r.since ? ago(r.since) : '-';
  const success = r.kind === 'untrusted' || r.kind === 'unreadable' ? '-' : r.lastSuccess ? ago(r.lastSuccess) : 'never';
  return [r.name, stateOf(r), since, success, String(r.failuresInARow), r.dir];
}

export function renderAll(h: HostView): string {
  const table = [HEADER, ...h.jobs.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const notes = ['', ...h.jobs.map(noteOf)];
  const lines = table.map((row, i) => `${row.map((c, j) => c.padEnd(widths[j])).join('  ')}${notes[i] ? `  ${notes[i]}` : ''}`.trimEnd());
  const read = h.roots.map((r) => `${r.root} (${r.problem === 'absent' ? 'absent' : r.problem ?? `${r.jobs} job${r.jobs === 1 ? '' : 's'}`}${r.notShown ? `, ${r.notShown} more not read` : ''})`);
  if (h.jobs.length === 0) lines.splice(0, 1, 'no jobs found');
  return `${lines.join('\n')}\nroots: ${read.join(', ')}\n`;
}
