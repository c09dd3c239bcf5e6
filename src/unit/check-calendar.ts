// --on-calendar is checked by systemd itself when systemd-analyze is installed (else accepted as
// given, and systemd-analyze verify or systemctl reports it).
import { spawnSync } from 'node:child_process';
import { usageError } from '../exit-codes.ts';
import { shown } from '../util/shown.ts';

export function checkCalendar(spec: string): void {
  const r = spawnSync('systemd-analyze', ['calendar', '--', spec], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status === null) return; // not installed (or no answer): systemd checks it later
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout).trim().split('\n')[0]?.replace(/^Failed to parse calendar specification '.*': /, '') || 'not a calendar expression';
    throw usageError(`--on-calendar: systemd does not accept ${shown(spec)} (${why}); see man systemd.time, e.g. daily, "Mon..Fri 02:00", "*-*-* 03:30:00"`);
  }
}
