// Local users for the tests that act as someone other than root (CI runs as root): created once
// with useradd, commands run as them with setpriv (which keeps the environment given), files handed
// to them with chown.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliArgv, cleanEnv, type Result } from './cli.ts';
import { spawn } from 'node:child_process';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export function ensureUser(name: string): TestUser {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  // A home of its own in a fresh temp dir: ~/.local/state is looked in first.
  const home = mkdtempSync(path.join(os.tmpdir(), `home-${name}-`));
  chmodSync(home, 0o700);
  chownSync(home, uid, gid);
  return { name, uid, gid, home };
}

/** A directory the user owns (mode 0700), inside a temp dir it can reach. */
export function ownedDir(u: TestUser): string {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'safehalt-user-'));
  chmodSync(parent, 0o755);
  const dir = path.join(parent, 'job');
  execFileSync('install', ['-d', '-m', '700', '-o', String(u.uid), '-g', String(u.gid), dir]);
  return dir;
}

/** safehalt ARGS as user `u`, with HOME set to its (temporary) home. */
export function cliAs(u: TestUser, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const [cmd, argv] = cliArgv(args);
  const t0 = Date.now();
  const base = cleanEnv({ HOME: u.home, USER: u.name, LOGNAME: u.name, ...env });
  delete base.XDG_STATE_HOME;
  const proc = spawn('setpriv', ['--reuid', String(u.uid), '--regid', String(u.gid), '--init-groups', '--', cmd, ...argv], { env: base, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 })));
}
