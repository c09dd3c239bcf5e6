// What `safehalt unit` refuses (exit 64: a unit that could not start) and what it normalises (one
// reading only; said on stderr). Pure: the caller prints the notes.
import path from 'node:path';
import { usageError } from '../exit-codes.ts';
import { shown } from '../util/shown.ts';

// A job name (state-dir.ts) that is also a systemd unit name: letters, digits and . _ -.
const NAME = /^[A-Za-z0-9_.-]{1,128}$/;
// PrivateTmp=yes gives the unit empty /tmp and /var/tmp of its own: nothing installed there is seen.
const PRIVATE_TMP = ['/tmp/', '/var/tmp/'];

export function unitName(given: string, notes: string[]): string {
  const m = /^(.+)\.(service|timer)$/.exec(given);
  const name = m ? m[1] : given;
  if (m) notes.push(`using the name ${JSON.stringify(name)}: the unit is ${name}.service${m[2] === 'timer' ? ' (with --mode once, plus ' + name + '.timer)' : ''}`);
  if (!NAME.test(name) || name === '.' || name === '..')
    throw usageError(`unit: expected a name of letters, digits and . _ - (a job name and a systemd unit name), got ${shown(given)}`);
  return name;
}

function refuseTmp(what: string, file: string): void {
  const under = PRIVATE_TMP.find((p) => path.resolve(file).startsWith(p));
  if (under)
    throw usageError(`${what} ${shown(file)} is under ${under.slice(0, -1)}, which PrivateTmp=yes hides from the unit: install it elsewhere (such as /usr/local/bin)`);
}

/** The program systemd will find: absolute, or a bare name on systemd's PATH; never relative. */
export function checkCommand(command: string[], bin: string): void {
  if (!path.isAbsolute(bin)) throw usageError(`--bin: expected an absolute path, got ${shown(bin)}`);
  refuseTmp('--bin', bin);
  const prog = command[0];
  if (prog === '') throw usageError('unit: the command is empty');
  if (prog.includes('/') && !path.isAbsolute(prog))
    throw usageError(`unit: the command ${shown(prog)} is a relative path, and a unit starts in /: give its absolute path (such as ${shown(path.resolve(prog))})`);
  if (path.isAbsolute(prog)) refuseTmp('unit: the command', prog);
}

/** --mode and --on-calendar together: a schedule means once mode. */
export function unitMode(mode: string | undefined, onCalendar: string | undefined, notes: string[]): 'service' | 'loop' | 'once' {
  if (onCalendar === undefined) return (mode ?? 'service') as 'service' | 'loop' | 'once';
  if (/[\u0000-\u001f\u007f]/.test(onCalendar) || onCalendar.trim() === '') throw usageError(`--on-calendar: expected a systemd calendar expression (such as daily or "Mon..Fri 02:00"), got ${shown(onCalendar)}`);
  if (mode === undefined) {
    notes.push('--on-calendar: using --mode once (a scheduled job runs once per tick)');
    return 'once';
  }
  if (mode !== 'once') throw usageError(`--on-calendar needs --mode once: a ${mode}-mode job is started once and kept running, not scheduled`);
  return 'once';
}
