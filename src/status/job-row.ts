// One line of `status --all`: a job's state directory read as `status` reads it, or why it cannot be.
import { lstatSync, type Stats } from 'node:fs';
import path from 'node:path';
import { EXIT, UserError } from '../exit-codes.ts';
import { readStatus, type StatusView } from './read-status.ts';
import { asOwner } from './as-owner.ts';
import type { Health } from './health.ts';

export type RowKind = Health | 'untrusted' | 'unreadable';

export interface JobRow {
  name: string;
  dir: string;
  kind: RowKind;
  /** The wrapper's phase when it runs, else the job's state (stopped, halted, paused, never-run). */
  phase: string;
  exitCode: number;
  since: string | null;
  lastSuccess: string | null;
  failuresInARow: number;
  halt: { reason: string; rule: string; resume: string } | null;
  /** Why the directory cannot be read or trusted. */
  problem: string | null;
}

const blank = (dir: string, kind: RowKind, problem: string): JobRow => ({
  name: path.basename(dir), dir, kind, phase: kind, exitCode: EXIT.CONFIG, since: null, lastSuccess: null, failuresInARow: 0, halt: null, problem,
});

/** When the state shown began: the halt, the pause, the wrapper's start, or the last stop. */
function sinceOf(v: StatusView): string | null {
  if (v.halt) return v.halt.since;
  if (v.pauseFile?.at) return v.pauseFile.at;
  if (v.wrapperPid && typeof v.heartbeat?.startedAt === 'string') return v.heartbeat.startedAt;
  return typeof v.stopReason?.time === 'string' ? v.stopReason.time : null;
}

function fromView(v: StatusView): JobRow {
  const phase = v.wrapperPid && typeof v.heartbeat?.phase === 'string' ? v.heartbeat.phase : v.state;
  const halt = v.halt ? { reason: v.halt.reason, rule: v.halt.rule, resume: v.halt.resume } : null;
  return { name: v.name, dir: v.stateDir, kind: v.health, phase, exitCode: v.exitCode, since: sinceOf(v), lastSuccess: v.lastSuccess, failuresInARow: v.failuresInARow, halt, problem: null };
}

/** The vetting `run` does, without refusing: a link, a dir others can write, a dir of another user. */
function vet(dir: string, st: Stats): JobRow | null {
  if (st.isSymbolicLink()) return blank(dir, 'untrusted', 'a symbolic link: safehalt does not follow it');
  if ((st.mode & 0o022) !== 0) return blank(dir, 'untrusted', `writable by group or others (mode ${(st.mode & 0o777).toString(8)}): chmod 700 ${dir}`);
  const euid = process.geteuid?.();
  if (euid !== undefined && euid !== 0 && st.uid !== euid) return blank(dir, 'unreadable', `owned by uid ${st.uid}: run as that user or as root`);
  return null;
}

export function readRow(dir: string, st: Stats = lstatSync(dir)): JobRow {
  const bad = vet(dir, st);
  if (bad) return bad;
  try {
    return fromView(asOwner(st.uid, st.gid, () => readStatus(dir, path.basename(dir), { recent: 0, items: false })));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return blank(dir, 'unreadable', `permission denied: run as the job's user or as root`);
    if (code) return blank(dir, 'unreadable', `cannot be read (${code})`);
    if (e instanceof UserError) return blank(dir, /permission denied/.test(e.message) ? 'unreadable' : 'untrusted', e.message);
    throw e;
  }
}
