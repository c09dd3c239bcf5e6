// `safehalt status --all`: one line per job under the roots, worst first, the worst's exit code;
// root reads every user's jobs without changing a file; what cannot be read or trusted is listed.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { cli, cliArgv, cleanEnv, fixture, tempDir } from '../helpers/cli.ts';

const NOBODY = 65534;
const once = (dir: string, ...cmd: string[]) => cli(['run', '--mode', 'once', '--quiet', '--state-dir', dir, '--', ...cmd]);
const rows = (stdout: string) => stdout.trim().split('\n');

/** Run safehalt as the unprivileged user nobody. */
function asNobody(args: string[]) {
  const [cmd, argv] = cliArgv(args);
  const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', cmd, ...argv], {
    env: cleanEnv({ HOME: '/nonexistent', XDG_STATE_HOME: '/nonexistent' }),
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** uid, mode, size and mtime of every file under dir: reading must change none of them. */
function snapshot(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => {
      const st = statSync(path.join(dir, f));
      return `${f} ${st.uid} ${st.mode} ${st.size} ${st.mtimeMs}`;
    })
    .join('\n');
}

describe('status --all', () => {
  it('halted, untrusted, failing, paused, healthy, never-run: in that order, exit of the worst (80)', async () => {
    const root = tempDir();
    for (let i = 0; i < 3; i++) await once(path.join(root, 'orders'), fixture('exit-n.sh'), '1', 'connect ECONNREFUSED 127.0.0.1:5432');
    for (let i = 0; i < 2; i++) await once(path.join(root, 'nightly'), fixture('exit-n.sh'), '3');
    await once(path.join(root, 'report'), fixture('exit-n.sh'), '0');
    await cli(['pause', '--state-dir', path.join(root, 'etl'), '--reason', 'db migration']);
    mkdirSync(path.join(root, 'shared'), { mode: 0o700 });
    chmodSync(path.join(root, 'shared'), 0o777);
    mkdirSync(path.join(root, 'fresh'), { mode: 0o700 });
    const r = await cli(['status', '--all', '--no-default-roots', '--root', root]);
    expect(r.code).toBe(80);
    const lines = rows(r.stdout);
    expect(lines[0]).toMatch(/^JOB\s+STATE\s+SINCE\s+LAST SUCCESS\s+FAILS\s+DIR$/);
    expect(lines.slice(1, 7).map((l) => l.split(/\s+/)[0])).toEqual(['orders', 'shared', 'nightly', 'etl', 'report', 'fresh']);
    expect(lines[1]).toMatch(/^orders\s+HALTED\s+\S+ ago\s+never\s+3\s/);
    expect(lines[1]).toContain(`FAILURE_SPIKE (spike transport:3/2m); resume: safehalt resume --state-dir ${root}/orders --reason "what was fixed"`);
    expect(lines[2]).toMatch(/^shared\s+UNTRUSTED\s.*writable by group or others \(mode 777\)/);
    expect(lines[3]).toMatch(/^nightly\s+FAILING \(stopped\)\s+\S+ ago\s+never\s+2\s/);
    expect(lines[4]).toMatch(/^etl\s+paused\s/);
    expect(lines[5]).toMatch(/^report\s+stopped\s+\S+ ago\s+\S+ ago\s+0\s/);
    expect(lines[6]).toMatch(/^fresh\s+never-run\s+-\s+never\s+0\s/);
    expect(lines[7]).toBe(`roots: ${root} (6 jobs)`);
    const j = await cli(['status', '--all', '--json', '--no-default-roots', '--root', root]);
    expect(j.code).toBe(80);
    const v = JSON.parse(j.stdout);
    expect(v.exitCode).toBe(80);
    expect(v.jobs.map((x: any) => [x.name, x.kind, x.exitCode])).toEqual([
      ['orders', 'halted', 80], ['shared', 'untrusted', 78], ['nightly', 'failing', 87], ['etl', 'paused', 85], ['report', 'healthy', 0], ['fresh', 'never-run', 0],
    ]);
    expect(v.jobs[0].halt).toMatchObject({ reason: 'FAILURE_SPIKE', resume: expect.stringContaining('safehalt resume') });
    // Without the halted and untrusted ones, the worst is the failing job: 87.
    const root2 = tempDir();
    cpSync(path.join(root, 'nightly'), path.join(root2, 'nightly'), { recursive: true });
    cpSync(path.join(root, 'report'), path.join(root2, 'report'), { recursive: true });
    expect((await cli(['status', '--all', '--no-default-roots', '--root', root2])).code).toBe(87);
  });

  it("root sees another user's job and changes nothing; that user sees root's job as unreadable", async () => {
    const root = tempDir();
    chmodSync(root, 0o755);
    const theirs = path.join(root, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, NOBODY, NOBODY);
    for (let i = 0; i < 2; i++) expect(asNobody(['run', '--mode', 'once', '--quiet', '--state-dir', theirs, '--', '/bin/false']).code).toBe(1);
    await once(path.join(root, 'mine'), fixture('exit-n.sh'), '0');
    const before = snapshot(theirs);
    const r = await cli(['status', '--all', '--no-default-roots', '--root', root]);
    expect(r.code).toBe(87);
    expect(rows(r.stdout)[1]).toMatch(/^theirs\s+FAILING \(stopped\)\s+\S+ ago\s+never\s+2\s/);
    expect(rows(r.stdout)[2]).toMatch(/^mine\s+stopped\s/);
    expect(snapshot(theirs)).toBe(before);
    expect(statSync(theirs).uid).toBe(NOBODY);
    const one = await cli(['status', '--state-dir', theirs]);
    expect(one.code, one.stderr).toBe(87); // single-job status reads it as its owner too
    expect(one.stdout).toMatch(/state:\s+stopped, FAILING: 2 failures in a row/);
    expect(snapshot(theirs)).toBe(before);
    const n = asNobody(['status', '--all', '--no-default-roots', '--root', root]);
    expect(n.code, n.stderr).toBe(87);
    expect(rows(n.stdout)[1]).toMatch(/^theirs\s+FAILING/);
    expect(rows(n.stdout)[2]).toMatch(/^mine\s+UNREADABLE\s.*owned by uid 0: run as that user or as root/);
  });

  it("the default roots: the caller's $XDG_STATE_HOME/safehalt and /var/lib/safehalt are read and named", async () => {
    const xdg = tempDir();
    await once(path.join(xdg, 'safehalt', 'sync'), fixture('exit-n.sh'), '0');
    const r = await cli(['status', '--all', '--json'], { env: { XDG_STATE_HOME: xdg } });
    const v = JSON.parse(r.stdout);
    expect(v.roots.map((x: any) => x.root)).toEqual(['/var/lib/safehalt', path.join(xdg, 'safehalt')]);
    expect(v.jobs.find((x: any) => x.dir === path.join(xdg, 'safehalt', 'sync'))).toMatchObject({ name: 'sync', kind: 'healthy' });
  });

  it('a root with 1000 job directories is read in a few seconds, one line each', async () => {
    const seed = tempDir();
    await once(path.join(seed, 'job'), fixture('exit-n.sh'), '0');
    const root = tempDir();
    for (let i = 0; i < 1000; i++) cpSync(path.join(seed, 'job'), path.join(root, `job-${String(i).padStart(4, '0')}`), { recursive: true });
    const r = await cli(['status', '--all', '--no-default-roots', '--root', root]);
    expect(r.code).toBe(0);
    expect(rows(r.stdout)).toHaveLength(1002);
    expect(r.ms).toBeLessThan(15_000); // ≈ 1 s here alone; generous for a shared, noisy machine
  });

  it('a --root that is missing or cannot be listed is a line of its own, not skipped', async () => {
    const missing = path.join(tempDir(), 'nope');
    const r = await cli(['status', '--all', '--no-default-roots', '--root', missing]);
    expect(r.code).toBe(78);
    expect(rows(r.stdout)[1]).toMatch(new RegExp(`^\\(root\\)\\s+UNREADABLE\\s.*${missing}\\s+no such directory$`));
    const closed = tempDir(); // 0700, root's
    const n = asNobody(['status', '--all', '--no-default-roots', '--root', closed]);
    expect(n.code).toBe(78);
    expect(rows(n.stdout)[1]).toMatch(/^\(root\)\s+UNREADABLE\s.*cannot be listed \(EACCES\)$/);
    expect(rows(n.stdout).at(-1)).toBe(`roots: ${closed} (cannot be listed (EACCES))`);
  });

  it('usage: --root without --all, and --all with --watch or --state-dir, are refused (64)', async () => {
    for (const args of [['status', '--root', '/tmp'], ['status', '--all', '--watch'], ['status', '--all', '--state-dir', '/tmp/x']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
