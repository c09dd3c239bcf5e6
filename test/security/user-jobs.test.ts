// User= jobs: root may read and act on any job's state directory, and what it writes stays the
// job's (owned by the directory's owner); the job's user finds a StateDirectory= job by its name.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/cli.ts';
import { cliAs, ensureUser } from '../helpers/users.ts';

const name = `shtest-${process.pid}-${Date.now() % 100000}`;
const dir = path.join('/var/lib/safehalt', name);
const halts = ['--mode', 'once', '--max-consecutive-failures', '1'];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a User= job under /var/lib/safehalt/NAME', () => {
  it('root: status, stop and resume act on it; the files keep the job user as owner; the job runs again', async () => {
    const u = ensureUser('shjob');
    // As systemd's StateDirectory=safehalt/NAME leaves it: /var/lib/safehalt 0755, NAME 0700 of the user.
    mkdirSync('/var/lib/safehalt', { recursive: true, mode: 0o755 });
    chmodSync('/var/lib/safehalt', 0o755);
    execFileSync('install', ['-d', '-m', '700', '-o', String(u.uid), '-g', String(u.gid), dir]); // as StateDirectory= makes it
    // The unit's user halts the job (its own ~/.local/state has none: /var/lib/safehalt/NAME is found).
    expect((await cliAs(u, ['run', ...halts, '--name', name, '--', 'false'])).code).toBe(80);
    expect(statSync(path.join(dir, 'state.json')).uid).toBe(u.uid);

    const status = await cli(['status', '--name', name]);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(80);
    expect(status.stdout).toContain('HALTED RETRY_LIMIT_REACHED');
    expect((await cli(['stop', '--name', name, '--reason', 'maintenance'])).code).toBe(0);
    const resume = await cli(['resume', '--name', name, '--reason', 'fixed as root']);
    expect(resume.stderr).toBe('');
    expect(resume.stdout).toBe('resumed: cleared the RETRY_LIMIT_REACHED halt, removed the stop file.\n');
    expect(resume.code).toBe(0);
    for (const f of readdirSync(dir)) expect(statSync(path.join(dir, f)).uid, f).toBe(u.uid);
    // The unit's next start runs the child.
    expect((await cliAs(u, ['run', '--mode', 'once', '--name', name, '--', 'true'])).code).toBe(0);
  });

  it('the job user: resume --name NAME finds it there; an unknown name exits 78 saying where it looked', async () => {
    const u = ensureUser('shjob');
    expect(existsSync(dir)).toBe(true);
    expect((await cliAs(u, ['run', ...halts, '--name', name, '--', 'false'])).code).toBe(80);
    const r = await cliAs(u, ['resume', '--name', name, '--reason', 'fixed by the job user']);
    expect(r.stdout).toBe('resumed: cleared the RETRY_LIMIT_REACHED halt.\n');
    expect(r.code).toBe(0);
    expect((await cliAs(u, ['run', '--mode', 'once', '--name', name, '--', 'true'])).code).toBe(0);
    const missing = await cliAs(u, ['resume', '--name', `${name}-typo`, '--reason', 'x']);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toBe(`safehalt: no job named ${name}-typo: looked in ${u.home}/.local/state/safehalt/${name}-typo and /var/lib/safehalt/${name}-typo. Check --name, or give --state-dir DIR.\n`);
    for (const cmd of ['status', 'stop', 'pause']) expect((await cliAs(u, [cmd, '--name', `${name}-typo`])).code, cmd).toBe(78);
  });
  it('another user\'s /var/lib/safehalt/NAME is never taken for this user\'s job of that name', async () => {
    const u = ensureUser('shjob');
    const rootJob = `${name}-root`;
    mkdirSync(path.join('/var/lib/safehalt', rootJob), { recursive: true, mode: 0o700 });
    chmodSync('/var/lib/safehalt', 0o755);
    try {
      const missing = await cliAs(u, ['status', '--name', rootJob]);
      expect(missing.code).toBe(78);
      expect(missing.stderr).toContain(`/var/lib/safehalt/${rootJob} (there, but owned by uid 0)`);
      expect((await cliAs(u, ['run', '--mode', 'once', '--name', rootJob, '--', 'true'])).code).toBe(0);
      expect(existsSync(path.join(u.home, '.local/state/safehalt', rootJob, 'state.json'))).toBe(true);
    } finally {
      rmSync(path.join('/var/lib/safehalt', rootJob), { recursive: true, force: true });
    }
  });
});
