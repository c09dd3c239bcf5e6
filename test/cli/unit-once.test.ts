// `safehalt unit`: once mode with its .timer, refusals of units that could not start, names that
// are normalised, a header whose status and resume lines are true, and systemd-analyze verify on
// every kind of unit it generates.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cli, tempDir } from '../helpers/cli.ts';
import { cliAs, ensureUser } from '../helpers/users.ts';

const bin = process.env.SAFEHALT_BIN ?? '/bin/true';
const line = (unit: string, key: string) => unit.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);

/** systemd-analyze verify on unit files: its exit status and everything it printed. */
function verify(...files: string[]): { status: number | null; output: string } {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: (r.stdout + r.stderr).trim() };
}

describe('unit --mode once --on-calendar', () => {
  it('writes a Type=oneshot service and its .timer, both accepted by systemd-analyze verify', async () => {
    const dir = tempDir();
    const r = await cli(['unit', 'nightly', '--mode', 'once', '--on-calendar', 'Mon..Fri 02:00', '--write', dir, '--bin', bin, '--', '/bin/true', '--sync']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`safehalt: wrote ${dir}/nightly.service\nsafehalt: wrote ${dir}/nightly.timer\nsafehalt: next: systemctl daemon-reload && systemctl enable --now nightly.timer\n`);
    const service = readFileSync(path.join(dir, 'nightly.service'), 'utf8');
    const timer = readFileSync(path.join(dir, 'nightly.timer'), 'utf8');
    expect(line(service, 'Type')).toBe('oneshot');
    expect(line(service, 'ExecStart')).toBe(`${bin} run --name nightly --mode once --kill-timeout 10s -- /bin/true --sync`);
    expect(line(service, 'Restart')).toBeUndefined();
    expect(line(service, 'SuccessExitStatus')).toBe('85');
    expect(service).not.toContain('[Install]');
    expect(line(timer, 'OnCalendar')).toBe('Mon..Fri 02:00');
    expect(line(timer, 'Persistent')).toBe('true');
    expect(line(timer, 'WantedBy')).toBe('timers.target');
    const v = verify(path.join(dir, 'nightly.service'), path.join(dir, 'nightly.timer'));
    expect(v, v.output).toEqual({ status: 0, output: '' });
  });

  it('the example of unit --help produces what it promises (a oneshot service and a timer)', async () => {
    const help = await cli(['unit', '--help']);
    const example = help.stdout.split('\n').find((l) => l.includes('--on-calendar daily'))!.trim().split(/\s{2,}/)[0];
    expect(example).toBe('safehalt unit nightly --on-calendar daily --write /etc/systemd/system -- /usr/local/bin/sync');
    const dir = tempDir();
    const args = example.split(' ').slice(1).map((w) => (w === '/etc/systemd/system' ? dir : w));
    const r = await cli([...args.slice(0, -2), '--bin', bin, ...args.slice(-2)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('using --mode once');
    expect(line(readFileSync(path.join(dir, 'nightly.service'), 'utf8'), 'Type')).toBe('oneshot');
    expect(line(readFileSync(path.join(dir, 'nightly.timer'), 'utf8'), 'OnCalendar')).toBe('daily');
  });

  it('without --write both files are printed, each under a ### NAME header', async () => {
    const r = await cli(['unit', 'nightly', '--mode', 'once', '--on-calendar', 'daily', '--bin', bin, '--', '/bin/true']);
    expect(r.code).toBe(0);
    const parts = r.stdout.split(/^### /m).filter(Boolean);
    expect(parts.map((p) => p.split('\n')[0])).toEqual(['nightly.service', 'nightly.timer']);
  });
});

describe('unit refuses what cannot work, normalises what is unambiguous', () => {
  it.each([
    [['--mode', 'service', '--on-calendar', 'daily', '--', '/bin/true'], /--on-calendar needs --mode once/],
    [['--on-calendar', 'bogus x', '--', '/bin/true'], /--on-calendar: systemd does not accept "bogus x"/],
    [['--', './api.sh'], /the command "\.\/api\.sh" is a relative path, and a unit starts in \/: give its absolute path/],
    [['--', 'bin/api'], /is a relative path/],
    [['--bin', '/tmp/safehalt', '--', '/bin/true'], /--bin "\/tmp\/safehalt" is under \/tmp, which PrivateTmp=yes hides/],
    [['--', '/var/tmp/job.sh'], /under \/var\/tmp, which PrivateTmp=yes hides/],
  ])('%j: exit 64', async (args, message) => {
    const r = await cli(['unit', 'api', ...args]);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
  });

  it.each(['a:b', 'x\\y', 'a@b'])('a unit name that is not also a job name (%s): exit 64', async (name) => {
    expect((await cli(['unit', name, '--', '/bin/true'])).code).toBe(64);
  });

  it('unit api.service is the unit api, and it says so', async () => {
    const r = await cli(['unit', 'api.service', '--bin', bin, '--', '/bin/true']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('safehalt: unit: using the name "api": the unit is api.service\n');
    expect(line(r.stdout, 'ExecStart')).toContain(' run --name api ');
    expect(line(r.stdout, 'StateDirectory')).toBe('safehalt/api');
  });

  it('every kind of unit passes systemd-analyze verify', async () => {
    for (const args of [[], ['--mode', 'loop'], ['--mode', 'once'], ['--user', 'daemon', '--group', 'daemon'], ['--on-calendar', 'weekly', '--user', 'daemon']]) {
      const dir = tempDir();
      const r = await cli(['unit', 'job1', ...args, '--write', dir, '--bin', bin, '--', '/bin/true']);
      expect(r.code, args.join(' ')).toBe(0);
      const files = ['job1.service', ...(args.includes('--on-calendar') ? ['job1.timer'] : [])].map((f) => path.join(dir, f));
      const v = verify(...files);
      expect(v, `${args.join(' ')}: ${v.output}`).toEqual({ status: 0, output: '' });
    }
  });
});

describe('the header of a --user unit', () => {
  const name = `shunit-${process.pid}`;
  const dir = `/var/lib/safehalt/${name}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints status and resume lines that work as written, as root and as the unit\'s user', async () => {
    const u = ensureUser('shjob');
    const r = await cli(['unit', name, '--user', u.name, '--bin', bin, '--', '/bin/true']);
    const head = r.stdout.split('\n').filter((l) => l.startsWith('#'));
    const status = head.find((l) => l.includes('safehalt status'))!;
    const resume = head.find((l) => l.includes('safehalt resume'))!;
    expect(status).toBe(`#   safehalt status --state-dir ${dir}   (as root, or as ${u.name})`);
    expect(resume).toBe(`# fix the cause, then: safehalt resume --state-dir ${dir} --reason "..." && systemctl restart ${name}`);
    // The state systemd would make, halted by the unit's user.
    mkdirSync('/var/lib/safehalt', { recursive: true, mode: 0o755 });
    chmodSync('/var/lib/safehalt', 0o755);
    execFileSync('install', ['-d', '-m', '700', '-o', String(u.uid), '-g', String(u.gid), dir]);
    expect((await cliAs(u, ['run', '--mode', 'once', '--max-consecutive-failures', '1', '--state-dir', dir, '--', 'false'])).code).toBe(80);
    const statusArgs = status.replace(/^#\s+safehalt /, '').replace(/ +\(as root.*$/, '').split(' ');
    const resumeArgs = resume.replace(/^# fix the cause, then: safehalt /, '').replace(/ && systemctl.*$/, '').replace('"..."', 'fixed').split(' ');
    expect((await cliAs(u, statusArgs)).code).toBe(80);
    expect((await cli(statusArgs)).code).toBe(80);
    const resumed = await cli(resumeArgs);
    expect(resumed.stdout).toBe('resumed: cleared the RETRY_LIMIT_REACHED halt.\n');
    expect((await cliAs(u, statusArgs)).code).toBe(0);
    expect((await cliAs(u, ['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(0);
  });
});
