// What the child reports, folded into child-heartbeat.json: the one update shared by `safehalt
// heartbeat` (its flags) and the wrapper (lines on $SAFEHALT_FD), so both mean exactly the same.
// Reports are folded into a delta first (latest token, step, action and retry hint; summed cost and
// beats): a burst of lines is one write, and memory stays bounded whatever the child sends.
import { addCost } from '../policy/cost.ts';
import { closeSync, constants, openSync, utimesSync } from 'node:fs';
import { lockFs } from './lock-fs.ts';
import type { Report } from '../child/report-line.ts';
import { writeJson } from './atomic-write.ts';
import { CHILD_HEARTBEAT_SCHEMA, readChildHeartbeat, type ChildHeartbeat } from './child-heartbeat.ts';
import { filePath } from './files.ts';

export interface ReportDelta {
  beats: number;
  cost: number;
  progress?: string;
  step?: string;
  /** A begun action, or null for `end`; absent when neither came. */
  action?: { name: string; since: string } | null;
  retryAfterMs?: number;
}

export const emptyDelta = (): ReportDelta => ({ beats: 0, cost: 0 });

/** Fold one report, received at `now`, into `d` (in place: the reader keeps one delta). */
export function foldReport(d: ReportDelta, r: Report, now: Date): ReportDelta {
  d.beats++;
  if (r.kind === 'progress') d.progress = r.token;
  else if (r.kind === 'cost') d.cost = addCost(d.cost, r.amount);
  else if (r.kind === 'step') d.step = r.text;
  else if (r.kind === 'begin') d.action = { name: r.action, since: now.toISOString() };
  else if (r.kind === 'end') d.action = null;
  else if (r.kind === 'retry-after') d.retryAfterMs = r.ms;
  return d;
}

/** `older` then `newer`, as one delta (a failed write is retried with what came since). */
export const mergeDeltas = (older: ReportDelta, newer: ReportDelta): ReportDelta => ({
  ...older,
  ...Object.fromEntries(Object.entries(newer).filter(([, v]) => v !== undefined)),
  beats: older.beats + newer.beats,
  cost: addCost(older.cost, newer.cost),
});

export interface Reporter {
  pid: number | null;
  iteration: number | null;
}

export function applyDelta(prev: ChildHeartbeat | null, d: ReportDelta, who: Reporter, now: Date): ChildHeartbeat {
  const next: ChildHeartbeat = {
    schema: CHILD_HEARTBEAT_SCHEMA,
    time: now.toISOString(),
    pid: who.pid,
    iteration: who.iteration ?? prev?.iteration ?? null,
    progress: d.progress ?? prev?.progress ?? null,
    step: d.step ?? prev?.step ?? null,
    cost: addCost(prev?.cost ?? 0, d.cost),
    beats: (prev?.beats ?? 0) + d.beats,
    action: d.action !== undefined ? d.action : (prev?.action ?? null),
  };
  // A retry hint belongs to the run that reported it: a later run's reports do not carry it over.
  const retryAfterMs = d.retryAfterMs ?? (prev?.iteration === next.iteration ? (prev?.retryAfterMs ?? undefined) : undefined);
  return retryAfterMs === undefined ? next : { ...next, retryAfterMs };
}

const LOCK = { realpath: false, fs: lockFs, stale: 10_000, retries: { retries: 50, minTimeout: 5, maxTimeout: 100 } };

/** Record `d`: one writer at a time (several children may report at once), no update lost; an
 * action or a cost is fsynced; the pulse file is touched (a report is a sign of life). */
export async function recordReports(stateDir: string, d: ReportDelta, who: Reporter): Promise<void> {
  const file = filePath(stateDir, 'childHeartbeat');
  // Loaded here, not by every command that imports this module (~5 ms of a start).
  const { default: lockfile } = await import('proper-lockfile');
  const release = await lockfile.lock(file, { ...LOCK, lockfilePath: `${file}.lock`, onCompromised: () => undefined });
  try {
    const next = applyDelta(readChildHeartbeat(stateDir), d, who, new Date());
    await writeJson(file, next, { durable: d.action !== undefined || d.cost > 0 });
  } finally {
    await release().catch(() => undefined);
  }
  touch(filePath(stateDir, 'childPulse'));
}

function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    // O_NONBLOCK and no link followed: whatever was planted here, the child's heartbeat never blocks.
    closeSync(openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600));
  }
}
