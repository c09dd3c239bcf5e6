// A throwaway sshd on loopback that accepts no key: the real `Permission denied (publickey)`.
// Only started when /usr/sbin/sshd is installed; its host key lives in a temp dir removed after.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const SSHD = '/usr/sbin/sshd';

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

export async function startSshd(port: number): Promise<{ port: number; stop(): void } | null> {
  if (!existsSync(SSHD)) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'record-sshd-'));
  const key = path.join(dir, 'host_ed25519');
  if (spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]).status !== 0) return null;
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory
  const opts = ['ListenAddress=127.0.0.1', 'PasswordAuthentication=no', 'KbdInteractiveAuthentication=no', 'UsePAM=no', 'PidFile=none', 'AuthorizedKeysFile=none'];
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', '/dev/null', '-h', key, '-p', String(port), ...opts.flatMap((o) => ['-o', o])], { stdio: 'ignore' });
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    if (await canConnect(port)) return { port, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  stop();
  return null;
}
