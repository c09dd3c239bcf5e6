// Real daemons for tests: started on 127.0.0.1 with their own dirs, stopped by pid at the end
// (SIGTERM, then SIGKILL), even when the test fails. Ports are picked free at random.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface Daemon {
  name: string;
  proc: ChildProcess;
  log: string;
}

export const have = (...tools: string[]) => tools.every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

/** A free TCP port on 127.0.0.1 (the kernel's pick; a race with other tests is unlikely). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function startDaemon(name: string, cmd: string, args: string[], dir: string, env: NodeJS.ProcessEnv = process.env): Daemon {
  const log = path.join(dir, `${name}.log`);
  const out = createWriteStream(log);
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  return { name, proc, log };
}

/** SIGTERM by pid, SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopDaemon(d: Daemon, graceMs = 5000): Promise<void> {
  if (d.proc.exitCode !== null || d.proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => d.proc.once('exit', () => r()));
  process.kill(d.proc.pid!, 'SIGTERM');
  const t = setTimeout(() => d.proc.pid && process.kill(d.proc.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

export async function stopAll(ds: Daemon[]): Promise<void> {
  await Promise.all(ds.map((d) => stopDaemon(d).catch(() => undefined)));
}

/** Poll `check` every 100 ms until it returns something truthy (a real daemon has no event to wait on). */
export async function until<T>(what: string, ms: number, check: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function getJson(url: string): Promise<any> {
  const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}
