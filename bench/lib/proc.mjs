// Processes of the bench: every one is started in its own process group and remembered, so that
// cleanup can end it (and whatever it forked) by pid, also on Ctrl-C. /proc readers for the figures.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const groups = new Set();
const temps = new Set();

/** Environment of every contender: no NODE_EXTRA_CA_CERTS (it slows every Node start-up; users
 * rarely have it), no SAFEHALT_* of the caller. */
export function cleanEnv(extra = {}) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  for (const k of Object.keys(env)) if (k.startsWith('SAFEHALT_')) delete env[k];
  return { ...env, ...extra };
}

export const now = () => Number(process.hrtime.bigint()) / 1e6; // ms, CLOCK_MONOTONIC
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function tempDir(tag) {
  const d = mkdtempSync(path.join(os.tmpdir(), `safehalt-bench-${tag}-`));
  temps.add(d);
  return d;
}

export function removeTemp(d) {
  temps.delete(d);
  rmSync(d, { recursive: true, force: true });
}

/** Start a process in a new process group; `exited` resolves with { code, signal, at }. */
export function start(cmd, args, { env = cleanEnv(), stdio = ['ignore', 'ignore', 'ignore'], cwd } = {}) {
  const t0 = now();
  const child = spawn(cmd, args, { env, stdio, cwd, detached: true });
  const exited = new Promise((resolve) => {
    child.once('error', (e) => resolve({ code: null, signal: null, at: now(), error: e }));
    child.once('exit', (code, signal) => resolve({ code, signal, at: now() }));
  });
  if (child.pid) groups.add(child.pid);
  exited.then(() => setTimeout(() => groups.delete(child.pid), 0));
  return { child, pid: child.pid, startedAt: t0, exited };
}

/** pids of every descendant of `pid` (from the ppid field of /proc/N/stat). */
export function descendants(pid) {
  const byParent = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const st = readStat(Number(e));
    if (!st) continue;
    if (!byParent.has(st.ppid)) byParent.set(st.ppid, []);
    byParent.get(st.ppid).push(Number(e));
  }
  const out = [];
  const walk = (p) => {
    for (const c of byParent.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Remember a process the bench did not spawn itself (a daemon), so that cleanup ends its group. */
export const adopt = (pid) => pid > 0 && groups.add(pid);

const killQuiet = (pid, sig) => {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
};

/** SIGKILL a process, its group and every descendant (daemons leave their group). */
export function killTree(pid) {
  if (!(pid > 0)) return;
  const kids = descendants(pid);
  killQuiet(-pid, 'SIGKILL');
  killQuiet(pid, 'SIGKILL');
  for (const k of kids) {
    killQuiet(-k, 'SIGKILL');
    killQuiet(k, 'SIGKILL');
  }
  groups.delete(pid);
}

/** Wait for a promise at most `ms`; `fallback` when the time is up. */
export function within(promise, ms, fallback = null) {
  let timer;
  return Promise.race([promise, new Promise((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer));
}

/** Run a command to its end, bounded in time; its group is killed when the time is up. */
export async function runBounded(cmd, args, { timeoutMs = 30_000, env = cleanEnv(), input, cwd } = {}) {
  const p = start(cmd, args, { env, cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.child.stdout?.on('data', (c) => (out += c));
  p.child.stderr?.on('data', (c) => (err += c));
  if (input !== undefined) p.child.stdin.end(input);
  const r = await within(p.exited, timeoutMs);
  if (r === null) {
    killTree(p.pid);
    return { code: null, signal: 'TIMEOUT', out, err, ms: now() - p.startedAt, timedOut: true };
  }
  // Let the pipes drain.
  await within(new Promise((res) => (p.child.stdout ? p.child.stdout.once('close', res) : res())), 1000);
  return { code: r.code, signal: r.signal, out, err, ms: r.at - p.startedAt, error: r.error };
}

/** Drop a file's pages from the page cache (as for an executable installed a while ago). A file just
 * written is cached whole, and the kernel's fault-around then maps ~16 MB more of an executable
 * into the RSS of each process that runs it than when its pages come from disk. */
export function dropPageCache(file) {
  spawnSync('sync', [file], { stdio: 'ignore', timeout: 10_000 });
  spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore', timeout: 10_000 });
}

export const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

// ---- /proc ----------------------------------------------------------------------------------

const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

export function readStat(pid) {
  let s;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
  return { state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
}

/** Supervisor CPU (user+system, all threads) in ms; null when the process is gone. */
export const cpuMs = (pid) => readStat(pid)?.cpuMs ?? null;

/** Supervisor CPU in ms with ns precision (sum of /proc/PID/task/N/schedstat over live threads);
 * clock ticks are 10 ms here, too coarse for an idle minute. Falls back to ticks. */
export function cpuPreciseMs(pid) {
  let ns = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return cpuMs(pid);
  }
  return ns > 0 ? ns / 1e6 : cpuMs(pid);
}

function statusField(file, name) {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Resident memory in MiB (VmRSS), and its anonymous part (RssAnon: heap, stacks; the rest is
 * mapped files, the executable's code above all). */
export const rssMiB = (pid) => {
  const kb = statusField(`/proc/${pid}/status`, 'VmRSS');
  return kb === null ? null : kb / 1024;
};
export const anonMiB = (pid) => {
  const kb = statusField(`/proc/${pid}/status`, 'RssAnon');
  return kb === null ? null : kb / 1024;
};

/** Proportional set size in MiB (Pss of smaps_rollup): shared pages divided among their users, so
 * that the sum over processes is what they cost the machine together. */
export const pssMiB = (pid) => {
  const kb = statusField(`/proc/${pid}/smaps_rollup`, 'Pss');
  return kb === null ? null : kb / 1024;
};

/** Voluntary context switches of every thread of the process: how often it went to sleep, i.e. woke up. */
export function wakeups(pid) {
  let total = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) total += statusField(`/proc/${pid}/task/${t}/status`, 'voluntary_ctxt_switches') ?? 0;
  } catch {
    return null;
  }
  return total;
}

export const alive = (pid) => {
  const st = readStat(pid);
  return st !== null && st.state !== 'Z';
};

/** End everything the bench started that still runs, and remove its temp dirs. */
export function cleanupAll() {
  for (const pid of [...groups]) killTree(pid);
  for (const d of [...temps]) removeTemp(d);
}
