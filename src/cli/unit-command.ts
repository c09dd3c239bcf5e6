// `safehalt unit NAME [--user USER] [--description TEXT] -- CMD...`: print a ready systemd service.
import path from 'node:path';
import type { Command } from './command.ts';
import { EXIT, usageError } from '../exit-codes.ts';
import { parseDuration } from '../util/duration.ts';
import { renderUnit } from '../unit/render-unit.ts';

// Characters systemd allows in a unit name (and safe in a state directory's name).
const UNIT_NAME = /^[A-Za-z0-9:_.\\-]{1,200}$/;
const ACCOUNT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;

/** The path of this safehalt for ExecStart=: the standalone executable when that is what runs. */
function selfPath(): string {
  return path.basename(process.execPath).startsWith('safehalt') ? process.execPath : '/usr/bin/safehalt';
}

export const unitCommand: Command = {
  command: 'unit <unit-name>',
  describe: 'print a systemd service for CMD under safehalt (Type=notify, halts not restarted, hardened)',
  builder: (y) =>
    y
      .usage('safehalt unit NAME [options] -- CMD [ARGS...]')
      .positional('unit-name', { type: 'string', describe: 'the unit and job name: NAME.service, state in /var/lib/safehalt/NAME' })
      .option('user', { type: 'string', describe: 'run as this user (User=); default root' })
      .option('group', { type: 'string', describe: 'run with this group (Group=)' })
      .option('description', { type: 'string', describe: 'Description= of the unit' })
      .option('mode', { type: 'string', choices: ['service', 'loop'], default: 'service', describe: 'safehalt run --mode' })
      .option('kill-timeout', { type: 'string', default: '10s', describe: 'safehalt run --kill-timeout; TimeoutStopSec= is set above it' })
      .option('bin', { type: 'string', describe: 'path of safehalt in ExecStart= (default: this executable, else /usr/bin/safehalt)' }),
  examples: [
    ['safehalt unit myjob -- /usr/local/bin/myjob > /etc/systemd/system/myjob.service', 'systemd: then systemctl daemon-reload && systemctl enable --now myjob'],
    ['safehalt unit poller --mode loop --user app -- /opt/app/poll.sh --batch 50', 'a loop job run as user app'],
    ['safehalt unit nightly --description "nightly sync" -- /usr/local/bin/sync', 'pair with a .timer instead of cron'],
  ],
  run: async (a) => {
    const name = String(a['unit-name']);
    if (!UNIT_NAME.test(name)) throw usageError(`unit: expected a name of letters, digits and : _ . - (as systemd allows), got ${JSON.stringify(name)}`);
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
    if (!path.isAbsolute(bin)) throw usageError(`--bin: expected an absolute path, got ${JSON.stringify(bin)}`);
    const description = a.description === undefined ? undefined : String(a.description);
    if (description !== undefined && /[\u0000-\u001f]/.test(description)) throw usageError('--description: expected one line of text');
    process.stdout.write(
      renderUnit({ name, command, safehalt: bin, description, user: a.user as string | undefined, group: a.group as string | undefined, mode: a.mode as 'service' | 'loop', killTimeoutMs }),
    );
    return EXIT.OK;
  },
};
