// Docker and Podman for real, without a registry: an image imported from a tarball of dist/safehalt,
// a static busybox and the libraries ldd lists. Each runtime keeps its storage in a temp dir (a
// private dockerd on a unix socket; podman with --root/--runroot), runs with --network none, and is
// stopped and cleaned up at the end, even when a test fails.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/cli.ts';
import { startDaemon, stopDaemon, until, type Daemon } from './daemons.ts';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Runtime {
  name: 'docker' | 'podman';
  /** The runtime's client with its private storage or socket. */
  run(args: string[], timeoutMs?: number): Promise<Ran>;
  /** Flags every `run` of a container gets here. */
  runFlags: string[];
  stop(): Promise<void>;
}

export const IMAGE = 'safehalt-test:local';
const TOOLS = ['sh', 'sleep', 'echo', 'ps', 'cat', 'kill', 'true', 'false'];

export function exec(cmd: string, args: string[], timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** rootfs.tar: /safehalt, /bin/busybox with a few applets, and the shared libraries of the binary. */
export function rootfsTar(dir: string): string {
  const root = path.join(dir, 'rootfs');
  for (const d of ['bin', 'tmp', 'state', 'etc', 'proc', 'sys', 'dev']) mkdirSync(path.join(root, d), { recursive: true });
  copyFileSync(path.join(ROOT, 'dist/safehalt'), path.join(root, 'safehalt'));
  copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  for (const t of TOOLS) symlinkSync('busybox', path.join(root, 'bin', t));
  const ldd = spawnSync('ldd', [path.join(ROOT, 'dist/safehalt')], { encoding: 'utf8' }).stdout;
  for (const lib of ldd.match(/\/\S+/g) ?? []) {
    mkdirSync(path.join(root, path.dirname(lib)), { recursive: true });
    copyFileSync(lib, path.join(root, lib)); // copyFileSync follows the link: the real library
  }
  const tar = path.join(dir, 'rootfs.tar');
  const r = spawnSync('tar', ['-C', root, '-cf', tar, '.']);
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  rmSync(root, { recursive: true });
  return tar;
}

/** Unmount whatever the runtime left mounted under dir (deepest first), then remove it. */
export function removeTree(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m && m.startsWith(dir + '/'));
  for (const m of mounts.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
}

export async function startDocker(dir: string): Promise<Runtime> {
  const sock = path.join(dir, 'd.sock');
  const daemon: Daemon = startDaemon('dockerd', 'dockerd', ['--data-root', `${dir}/data`, '--exec-root', `${dir}/x`, '-H', `unix://${sock}`, '--pidfile', `${dir}/d.pid`, '--iptables=false', '--ip6tables=false', '--bridge=none'], dir);
  const run = (args: string[], ms?: number) => exec('/usr/bin/docker', ['-H', `unix://${sock}`, ...args], ms);
  await until('dockerd to answer', 30_000, async () => (await run(['version'], 5000)).code === 0);
  return {
    name: 'docker',
    run,
    runFlags: ['--network', 'none'],
    async stop() {
      await run(['rm', '-f', ...(await run(['ps', '-aq'])).stdout.split(/\s+/).filter(Boolean)]).catch(() => undefined);
      await stopDaemon(daemon, 15_000);
    },
  };
}

export async function startPodman(dir: string): Promise<Runtime> {
  mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  const global = ['--root', `${dir}/root`, '--runroot', `${dir}/run`, '--tmpdir', `${dir}/tmp`, '--runtime', 'runc', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file'];
  const run = (args: string[], ms?: number) => exec('podman', [...global, ...args], ms);
  return {
    name: 'podman',
    run,
    // crun fails here on cgroups v1 ("hybrid mode"); default rlimits need CAP_SYS_RESOURCE.
    runFlags: ['--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'],
    async stop() {
      await run(['rm', '-fa', '-t', '0']);
    },
  };
}
