// `status --all`: every job directory under the default roots and each --root, worst first.
import { lstatSync, opendirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT } from '../exit-codes.ts';
import { readRow, type JobRow, type RowKind } from './job-row.ts';

/** Past this many entries in one root the rest are counted, not read: the listing stays fast. */
export const MAX_JOBS_PER_ROOT = 10_000;

export interface RootScan {
  root: string;
  /** absent: no such directory (a default root that is not used here); otherwise why it cannot be listed. */
  problem: string | null;
  jobs: number;
  notShown: number;
}

export interface HostView {
  roots: RootScan[];
  jobs: JobRow[];
  exitCode: number;
}

/** /var/lib/safehalt (system jobs, StateDirectory=safehalt/NAME) and the caller's $XDG_STATE_HOME/safehalt. */
export function defaultRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const xdg = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), '.local', 'state');
  return ['/var/lib/safehalt', path.join(xdg, 'safehalt')];
}

// Halted first, then what cannot be trusted, failing, paused, unreadable, fine, never run.
const RANK: Record<RowKind, number> = { halted: 0, untrusted: 1, failing: 2, paused: 3, unreadable: 4, healthy: 5, 'never-run': 6 };

export const worstFirst = (a: JobRow, b: JobRow) => RANK[a.kind] - RANK[b.kind] || a.name.localeCompare(b.name) || a.dir.localeCompare(b.dir);

function statOrNull(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

function scanRoot(root: string, explicit: boolean, rows: JobRow[]): RootScan {
  const scan: RootScan = { root, problem: null, jobs: 0, notShown: 0 };
  let dir;
  try {
    dir = opendirSync(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    scan.problem = code === 'ENOENT' ? 'absent' : `cannot be listed (${code})`;
    if (code !== 'ENOENT' || explicit) rows.push({ ...rootRow(root), problem: code === 'ENOENT' ? 'no such directory' : scan.problem });
    return scan;
  }
  try {
    for (let e = dir.readSync(); e; e = dir.readSync()) {
      if (!e.isDirectory() && !e.isSymbolicLink()) continue; // a stray file is not a job
      if (scan.jobs >= MAX_JOBS_PER_ROOT) {
        scan.notShown++;
        continue;
      }
      const full = path.join(root, e.name);
      const st = statOrNull(full);
      if (!st) continue; // removed since the listing
      rows.push(readRow(full, st));
      scan.jobs++;
    }
  } finally {
    dir.closeSync();
  }
  return scan;
}

const rootRow = (root: string): JobRow => ({
  name: '(root)', dir: root, kind: 'unreadable', phase: 'unreadable', exitCode: EXIT.CONFIG, since: null, lastSuccess: null, failuresInARow: 0, halt: null, problem: null,
});

export function scanHost(extraRoots: string[], opts: { defaults: boolean }, env: NodeJS.ProcessEnv = process.env): HostView {
  const wanted = [...(opts.defaults ? defaultRoots(env) : []).map((r) => ({ r, explicit: false })), ...extraRoots.map((r) => ({ r: path.resolve(r), explicit: true }))];
  const seen = new Set<string>();
  const rows: JobRow[] = [];
  const roots: RootScan[] = [];
  for (const { r, explicit } of wanted) {
    if (seen.has(r)) continue;
    seen.add(r);
    roots.push(scanRoot(r, explicit, rows));
  }
  rows.sort(worstFirst);
  return { roots, jobs: rows, exitCode: rows[0]?.exitCode ?? EXIT.OK };
}
