// Watching a running wrapper from outside: its CPU time from /proc/PID/stat, its phase from
// heartbeat.json, its starts from events.jsonl. For the long-duration tests: nothing fires early,
// the idle wrapper sleeps, and it logs no flood of warnings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readEvents, readJson, start, waitFor, type Running } from '../helpers/cli.ts';

/** utime + stime of a process, in clock ticks (1/100 s on Linux). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

export const phase = (dir: string): string | null => {
  try {
    return readJson(path.join(dir, 'heartbeat.json')).phase;
  } catch {
    return null;
  }
};

export const starts = (dir: string): number => readEvents(dir).filter((e) => e.event === 'started').length;

export interface Watched {
  run: Running;
  /** CPU ticks the wrapper used during the quiet window. */
  ticks: number;
  stderr: string;
}

/** Start `safehalt ARGS`, wait until `settled(dir)`, then watch it idle for `windowMs`. */
export async function watchIdle(dir: string, args: string[], settled: (dir: string) => boolean, windowMs = 3000): Promise<Watched> {
  const run = start(['run', '--state-dir', dir, ...args]);
  await waitFor(() => settled(dir) || run.proc.exitCode !== null, 20_000, `the wrapper to settle (${args.join(' ')})`);
  if (run.proc.exitCode !== null) throw new Error(`the wrapper ended early: ${run.stderrSoFar()}`);
  const before = cpuTicks(run.proc.pid!);
  await new Promise((r) => setTimeout(r, windowMs));
  const ticks = cpuTicks(run.proc.pid!) - before;
  return { run, ticks, stderr: run.stderrSoFar() };
}

/** What an idle wrapper may cost in a 3 s window on a busy 2-core machine: 10 % of a core (the
 * overflowing timers burned 28-60 %). */
export const IDLE_TICKS = 30;

/** No timer overflow, and no more lines than a quiet run logs. */
export function quietLog(stderr: string): { overflow: number; lines: number } {
  return { overflow: (stderr.match(/TimeoutOverflowWarning/g) ?? []).length, lines: stderr.split('\n').filter(Boolean).length };
}

export async function stop(run: Running): Promise<number | null> {
  run.proc.kill('SIGTERM');
  return (await run.done).code;
}
