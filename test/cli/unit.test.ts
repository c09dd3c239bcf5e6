// `safehalt unit`: the unit it prints is one that systemd-analyze verify accepts, with the halt
// codes in RestartPreventExitStatus=, a stop timeout above --kill-timeout, and ExecStart= quoting
// that survives systemd's specifier and variable expansion.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { quoteExecWord } from '../../src/unit/systemd-quote.ts';
import { EXIT } from '../../src/exit-codes.ts';
import { cli, tempDir } from '../helpers/cli.ts';

const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

/** systemd-analyze verify on a unit text: its exit status and everything it printed. */
function verify(name: string, text: string): { status: number | null; output: string } {
  const file = path.join(tempDir(), `${name}.service`);
  writeFileSync(file, text);
  // --man=no: the man page is checked by the package test, where it is installed.
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: (r.stdout + r.stderr).trim() };
}

const line = (unit: string, key: string) => unit.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);

describe('quoteExecWord', () => {
  it.each([
    ['/usr/local/bin/myjob', '/usr/local/bin/myjob'],
    ['--flag=value', '--flag=value'],
    ['a b', '"a b"'],
    ['$HOME', '"$$HOME"'],
    ['${X}', '"$${X}"'],
    ['100%', '"100%%"'],
    ['%h', '"%%h"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['two\nlines', '"two\\nlines"'],
    [';', '\\;'],
    ['', '""'],
    ["it's", '"it\'s"'],
  ])('%j → %s', (word, quoted) => expect(quoteExecWord(word)).toBe(quoted));
});

describe('safehalt unit', () => {
  it('prints a Type=notify unit with the halt codes, the state directory and hardening', async () => {
    const r = await cli(['unit', 'myjob', '--bin', '/usr/bin/safehalt', '--kill-timeout', '30s', '--', '/usr/local/bin/myjob', '--once']);
    expect(r.code).toBe(0);
    const u = r.stdout;
    expect(line(u, 'Type')).toBe('notify');
    expect(line(u, 'NotifyAccess')).toBe('all');
    expect(line(u, 'Restart')).toBe('on-failure');
    const prevent = u.split('\n').filter((l) => l.startsWith('RestartPreventExitStatus=')).map((l) => l.split('=')[1]);
    expect(prevent).toEqual([[EXIT.HALT_FAILURES, EXIT.HALT_BUDGET, EXIT.HALT_PROGRESS, EXIT.LATCHED, EXIT.BUSY].join(' '), `${EXIT.USAGE} ${EXIT.CONFIG}`]);
    expect(line(u, 'StateDirectory')).toBe('safehalt/myjob');
    expect(Number(line(u, 'TimeoutStopSec'))).toBeGreaterThan(30);
    expect(line(u, 'ExecStart')).toBe('/usr/bin/safehalt run --name myjob --mode service --kill-timeout 30s -- /usr/local/bin/myjob --once');
    for (const k of ['NoNewPrivileges', 'PrivateTmp', 'ProtectSystem', 'ProtectHome']) expect(line(u, k)).toBeDefined();
    expect(line(u, 'ProtectSystem')).toBe('strict');
    expect(line(u, 'ProtectHome')).toBe('read-only');
  });

  it('uses the running executable by default', async () => {
    const r = await cli(['unit', 'myjob', '--', '/usr/local/bin/myjob']);
    const expected = process.env.SAFEHALT_BIN ?? '/usr/bin/safehalt';
    expect(line(r.stdout, 'ExecStart')!.startsWith(`${expected} run `)).toBe(true);
  });

  it('--user, --group, --description and --mode loop', async () => {
    const r = await cli(['unit', 'poller', '--user', 'app', '--group', 'app', '--description', 'poll 100% of it', '--mode', 'loop', '--', '/opt/app/poll.sh']);
    expect(line(r.stdout, 'User')).toBe('app');
    expect(line(r.stdout, 'Group')).toBe('app');
    expect(line(r.stdout, 'Description')).toBe('poll 100%% of it');
    expect(line(r.stdout, 'ExecStart')).toContain('--mode loop');
  });

  it.each([
    [['unit', 'my job', '--', 'x'], /expected a name/],
    [['unit', 'myjob'], /give the command after --/],
    [['unit', 'myjob', '--user', 'a b', '--', 'x'], /--user: expected a user/],
    [['unit', 'myjob', '--kill-timeout', 'soon', '--', 'x'], /--kill-timeout: expected a duration/],
    [['unit', 'myjob', '--bin', 'safehalt', '--', 'x'], /--bin: expected an absolute path/],
  ])('rejects %j (exit 64)', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
  });

  it.skipIf(!hasAnalyze)('systemd-analyze verify accepts the unit, tricky arguments included', async () => {
    const bin = process.env.SAFEHALT_BIN ?? '/bin/true';
    for (const args of [
      ['myjob', '--bin', bin, '--', '/usr/local/bin/myjob'],
      ['tricky', '--bin', bin, '--user', 'daemon', '--description', 'a 100% "quoted" job', '--', '/bin/sh', '-c', 'echo "$HOME" 100% ; exit 1', ';', "it's"],
      ['poller.v2', '--bin', bin, '--mode', 'loop', '--kill-timeout', '2m', '--', 'poll.sh'],
    ]) {
      const r = await cli(['unit', ...args]);
      expect(r.code).toBe(0);
      const v = verify(args[0], r.stdout);
      expect(v, v.output).toEqual({ status: 0, output: '' });
    }
  });
});
