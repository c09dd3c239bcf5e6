// Runs every installed client under every condition and stores what it printed, as fixtures:
//   OUT/<client>/<condition>.json  { client, version, condition, expectedClass, command, exitCode, stderr }
// Run through scripts/record-clients.sh, inside a private network namespace.
//
//   node scripts/clients/record.ts [--out DIR] [--only curl,wget]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CLIENTS, type Client, type Ctx } from './clients.ts';
import { CONDITIONS } from './conditions.ts';
import { startServers } from './servers.ts';
import { startSshd } from './sshd.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const RUN_LIMIT_MS = 30_000;
const JOBS = 8;

export interface Recording {
  schema: 1;
  client: string;
  what: string;
  version: string;
  condition: string;
  expectedClass: string | null;
  command: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stderr: string;
}

function firstLine(argv: string[], env?: Record<string, string>): string | null {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 5000 });
  if (r.status !== 0) return null;
  return (r.stdout.trim() || r.stderr.trim()).split('\n')[0].trim();
}

function run(argv: string[], env: Record<string, string> = {}): Promise<Pick<Recording, 'exitCode' | 'signal' | 'durationMs' | 'stderr'>> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, LC_ALL: 'C.UTF-8', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.on('error', (e) => (stderr += String(e)));
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ exitCode: code, signal, durationMs: Date.now() - t0, stderr });
    });
  });
}

async function pool<T>(items: T[], n: number, work: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) await work(t);
  }));
}

const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(p));
  });
});

/** Record every installed client (or those named) under every condition; returns the recordings. */
export async function recordAll(only: string[] = []): Promise<Recording[]> {
  const s = await startServers();
  const sshd = await startSshd(await freePort());
  const ctx: Ctx = { s, node: process.execPath, python: process.env.RECORD_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'), sshd: sshd?.port ?? null };
  const clients = CLIENTS.filter((c) => (only.length === 0 || only.includes(c.name)) && firstLine(c.present(ctx), c.env?.('')) !== null);
  // Asked before the runs: a synchronous spawn would stall the servers, which share this event loop.
  const versions = new Map(clients.map((c) => [c.name, firstLine(c.version(ctx), c.env?.('')) ?? '?']));
  const jobs: [Client, string, string[]][] = [];
  for (const c of clients)
    for (const cond of Object.keys(CONDITIONS)) {
      const argv = c.argv(cond, ctx);
      if (argv) jobs.push([c, cond, argv]);
    }
  const out: Recording[] = [];
  try {
    await pool(jobs, JOBS, async ([c, cond, argv]) => {
      const r = await run(argv, c.env?.(cond));
      const shown = argv.map((a) => a.replace(ROOT + '/', ''));
      out.push({ schema: 1, client: c.name, what: c.what, version: versions.get(c.name)!, condition: cond, expectedClass: CONDITIONS[cond], command: shown, ...r });
    });
  } finally {
    sshd?.stop();
    await s.close();
  }
  return out.sort((a, b) => (a.client + a.condition).localeCompare(b.client + b.condition));
}

export function writeRecordings(dir: string, recs: Recording[]): void {
  for (const r of recs) {
    mkdirSync(path.join(dir, r.client), { recursive: true });
    writeFileSync(path.join(dir, r.client, `${r.condition}.json`), JSON.stringify(r, null, 2) + '\n');
  }
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const recs = await recordAll(arg('--only')?.split(',') ?? []);
  const dir = path.resolve(arg('--out') ?? path.join(ROOT, 'test/fixtures/clients'));
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(recs) + '\n');
  else {
    writeRecordings(dir, recs);
    const clients = [...new Set(recs.map((r) => `${r.client} (${r.version})`))];
    console.log(`recorded ${recs.length} fixtures of ${clients.length} clients into ${path.relative(process.cwd(), dir) || '.'}:\n  ${clients.join('\n  ')}`);
  }
}
