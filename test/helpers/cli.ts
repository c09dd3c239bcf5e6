// Running safehalt as users do: the built binary (SAFEHALT_BIN, set by `npm test`), else the
// sources through Node 24's type stripping. Real processes, real files, no mocks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures');

export function cliArgv(args: string[]): [string, string[]] {
  const bin = process.env.SAFEHALT_BIN;
  if (bin) return [bin, args];
  return [process.execPath, [path.join(ROOT, 'src/entry.ts'), ...args]];
}

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Running {
  proc: ChildProcess;
  done: Promise<Result>;
  stderrSoFar(): string;
}

/** Environment without the variables that would point a test at another job. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SAFEHALT_') && k !== 'NOTIFY_SOCKET' && k !== 'JOURNAL_STREAM' && k !== 'STATE_DIRECTORY') env[k] = v;
  if (process.env.SAFEHALT_BIN) env.SAFEHALT_BIN = process.env.SAFEHALT_BIN;
  return { ...env, ...extra };
}

export function start(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Running {
  const [cmd, argv] = cliArgv(args);
  const t0 = Date.now();
  const proc = spawn(cmd, argv, { env: cleanEnv(opts.env), cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  proc.stderr!.on('data', (d) => (stderr += d));
  if (opts.input !== undefined) proc.stdin!.end(opts.input);
  else proc.stdin!.end();
  const done = new Promise<Result>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 })));
  return { proc, done, stderrSoFar: () => stderr };
}

export const cli = (args: string[], opts?: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string }) => start(args, opts).done;

export function tempDir(prefix = 'safehalt-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh state directory path (not yet created) inside a temp dir. */
export const stateDir = () => path.join(tempDir(), 'job');

export const fixture = (name: string) => path.join(FIXTURES, name);

export function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function readEvents(dir: string): any[] {
  const f = path.join(dir, 'events.jsonl');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Wait until `check` returns truthy, or fail after `ms`. Only for tests: polls. */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every live pid whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The pid of the job's child once heartbeat.json says it runs, or fail after `ms`. Only for tests. */
export const runningChild = (dir: string, ms = 15_000): Promise<number> =>
  waitFor(() => {
    try {
      const hb = readJson(path.join(dir, 'heartbeat.json'));
      return hb.phase === 'running' && hb.childPid ? (hb.childPid as number) : null;
    } catch {
      return null;
    }
  }, ms, 'the child to start');
