// `safehalt unit NAME [options] -- CMD...`: print (or --write) a ready systemd service, and for
// `--mode once --on-calendar SPEC` its .timer too.
import path from 'node:path';
import { statSync } from 'node:fs';
import type { Command } from './command.ts';
import { configError, EXIT, usageError } from '../exit-codes.ts';
import { parseDuration } from '../util/duration.ts';
import { shown } from '../util/shown.ts';
import { renderUnit, type UnitSpec } from '../unit/render-unit.ts';
import { renderTimer } from '../unit/render-timer.ts';
import { checkCommand, unitMode, unitName } from '../unit/unit-checks.ts';
import { checkCalendar } from '../unit/check-calendar.ts';
import { WriteError, writeAtomicSync } from '../state/atomic-write.ts';
import { writeStdout } from '../log/stdout.ts';

const ACCOUNT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;

/** The path of this safehalt for ExecStart=: the standalone executable when that is what runs. */
function selfPath(): string {
  return path.basename(process.execPath).startsWith('safehalt') ? process.execPath : '/usr/bin/safehalt';
}

function spec(a: Record<string, unknown>, notes: string[]): UnitSpec {
  const name = unitName(String(a['unit-name']), notes);
  const command = ((a['--'] as unknown[] | undefined) ?? []).map(String);
  if (command.length === 0) throw usageError('unit: give the command after --: safehalt unit NAME -- CMD [ARGS...]');
  for (const k of ['user', 'group'] as const)
    if (a[k] !== undefined && !ACCOUNT.test(String(a[k]))) throw usageError(`--${k}: expected a user or group name, got ${JSON.stringify(a[k])}`);
  let killTimeoutMs: number;
  try {
    killTimeoutMs = parseDuration('kill-timeout', a['kill-timeout']);
  } catch (e) {
    throw usageError((e as Error).message);
  }
  const bin = a.bin === undefined ? selfPath() : String(a.bin);
  checkCommand(command, bin);
  const description = a.description === undefined ? undefined : String(a.description);
  if (description !== undefined && /[\u0000-\u001f]/.test(description)) throw usageError('--description: expected one line of text');
  const onCalendar = a['on-calendar'] === undefined ? undefined : String(a['on-calendar']);
  const mode = unitMode(a.mode as string | undefined, onCalendar, notes);
  if (onCalendar !== undefined) checkCalendar(onCalendar);
  return { name, command, safehalt: bin, description, user: a.user as string | undefined, group: a.group as string | undefined, mode, killTimeoutMs, onCalendar: onCalendar ?? null };
}

/** The files: NAME.service, and NAME.timer in once mode with a schedule. */
const files = (u: UnitSpec): Array<[string, string]> => [
  [`${u.name}.service`, renderUnit(u)],
  ...(u.onCalendar ? [[`${u.name}.timer`, renderTimer(u.name, u.onCalendar)] as [string, string]] : []),
];

function write(dir: string, out: Array<[string, string]>, u: UnitSpec): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    /* absent */
  }
  if (!isDir) throw usageError(`--write: ${shown(dir)} is not a directory (such as /etc/systemd/system)`);
  for (const [file, text] of out) {
    try {
      writeAtomicSync(path.join(dir, file), text, { mode: 0o644 });
    } catch (e) {
      throw e instanceof WriteError ? configError(`--write: cannot write ${e.file}: ${e.why}`) : e;
    }
    process.stderr.write(`safehalt: wrote ${path.join(dir, file)}\n`);
  }
  const start = u.onCalendar ? `${u.name}.timer` : u.mode === 'once' ? null : u.name;
  process.stderr.write(`safehalt: next: systemctl daemon-reload${start ? ` && systemctl enable --now ${start}` : ''}\n`);
}

export const unitCommand: Command = {
  command: 'unit <unit-name>',
  describe: 'print a systemd service for CMD under safehalt (and its .timer for --mode once --on-calendar)',
  builder: (y) =>
    y
      .usage('safehalt unit NAME [options] -- CMD [ARGS...]')
      .positional('unit-name', { type: 'string', describe: 'the unit and job name: NAME.service, state in /var/lib/safehalt/NAME' })
      .option('user', { type: 'string', describe: 'run as this user (User=); default root' })
      .option('group', { type: 'string', describe: 'run with this group (Group=)' })
      .option('description', { type: 'string', describe: 'Description= of the unit' })
      .option('mode', { type: 'string', choices: ['service', 'loop', 'once'], describe: 'safehalt run --mode (default service; once with --on-calendar: a Type=oneshot service)' })
      .option('on-calendar', { type: 'string', describe: 'once mode: also a NAME.timer with this OnCalendar= (daily, "Mon..Fri 02:00")' })
      .option('write', { type: 'string', describe: 'write NAME.service (and NAME.timer) into this directory instead of printing' })
      .option('kill-timeout', { type: 'string', default: '10s', describe: 'safehalt run --kill-timeout; TimeoutStopSec= is set above it' })
      .option('bin', { type: 'string', describe: 'path of safehalt in ExecStart= (default: this executable, else /usr/bin/safehalt)' }),
  examples: [
    ['safehalt unit myjob -- /usr/local/bin/myjob > /etc/systemd/system/myjob.service', 'systemd: then systemctl daemon-reload && systemctl enable --now myjob'],
    ['safehalt unit poller --mode loop --user app -- /opt/app/poll.sh --batch 50', 'a loop job run as user app'],
    ['safehalt unit nightly --on-calendar daily --write /etc/systemd/system -- /usr/local/bin/sync', 'a nightly job: a oneshot service and its .timer; then systemctl enable --now nightly.timer'],
  ],
  run: async (a) => {
    const notes: string[] = [];
    const u = spec(a, notes);
    for (const n of notes) process.stderr.write(`safehalt: unit: ${n}\n`);
    const out = files(u);
    if (a.write !== undefined) write(String(a.write), out, u);
    else if (out.length === 1) writeStdout(out[0][1]);
    // Two files on stdout: each under a header line naming it (--write puts them in place).
    else writeStdout(out.map(([file, text]) => `### ${file}\n${text}`).join('\n'));
    return EXIT.OK;
  },
};
