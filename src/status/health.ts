// Failing or healthy, and the exit code `status` gives for it: a pure reading of the failure memory.
import { EXIT } from '../exit-codes.ts';
import type { Latch, Memory } from '../policy/memory.ts';

export type Health = 'halted' | 'paused' | 'failing' | 'healthy' | 'never-run';

export interface LastFailure {
  time: string;
  class: string;
  code: number | null;
  signal: string | null;
}

export interface Outcomes {
  health: Health;
  exitCode: number;
  /** Failures since the last success (a failing job that is not yet halted has one or more). */
  failuresInARow: number;
  lastSuccess: string | null;
  lastFailure: LastFailure | null;
}

const iso = (wall: number) => new Date(wall).toISOString();

/** Halted beats paused beats failing: the exit code is the most urgent of them. */
export function outcomes(m: Memory, latch: Latch | null, paused: boolean, everRan: boolean): Outcomes {
  const f = m.recent.at(-1);
  const lastFailure = f ? { time: iso(f.at.wall), class: f.cls, code: f.code, signal: f.signal } : null;
  const failing = m.consecutiveFailures > 0;
  const health: Health = latch ? 'halted' : paused ? 'paused' : failing ? 'failing' : everRan ? 'healthy' : 'never-run';
  const exitCode = latch ? latch.exitCode : paused ? EXIT.PAUSED : failing ? EXIT.FAILING : EXIT.OK;
  return { health, exitCode, failuresInARow: m.consecutiveFailures, lastSuccess: m.lastSuccessAt ? iso(m.lastSuccessAt.wall) : null, lastFailure };
}
