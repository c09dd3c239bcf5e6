// Finding the job for commands that act on it, and whether its wrapper is alive.
import { existsSync, lstatSync } from 'node:fs';
import { configError } from '../exit-codes.ts';
import { filePath } from '../state/files.ts';
import { liveWrapper } from '../state/live-wrapper.ts';
import { readTrustedJson } from '../state/read-trusted.ts';
import { prepareStateDir, resolveStateDir, type Located } from '../state/state-dir.ts';
import { printable } from '../util/printable.ts';

/**
 * The job's state directory for stop, pause, resume and status. A job found by --name must exist:
 * otherwise exit 78 saying where it was looked for. A directory given outright (--state-dir,
 * SAFEHALT_STATE_DIR, STATE_DIRECTORY) is created when `create` (stop and pause before a first run).
 */
export function locateJob(a: Record<string, unknown>, opts: { create: boolean; readOnly?: boolean }): Located {
  const located = resolveStateDir({ stateDir: a['state-dir'] as string | undefined, name: a.name as string | undefined });
  if (located.looked.length > 0 && !existsSync(located.dir)) {
    const where = located.looked.map((d) => printable(d) + ownerNote(d)).join(' and ');
    throw configError(`no job named ${printable(located.name)}: looked in ${where}. Check --name, or give --state-dir DIR.`);
  }
  prepareStateDir(located.dir, { create: opts.create, readOnly: opts.readOnly, foreign: true });
  return located;
}

/** A directory that is there but not this user's job is named with its owner. */
function ownerNote(dir: string): string {
  try {
    return ` (there, but owned by uid ${lstatSync(dir).uid})`;
  } catch {
    return '';
  }
}

/** The pid of the live `run` holding the job's lock, or null. */
export function runningWrapper(dir: string): number | null {
  // Its own records (pid and start time) say whether it runs, whether or not run.lock is still there.
  return liveWrapper(dir)?.pid ?? null;
}

/** The mode of the running wrapper, from its heartbeat.json (null when unreadable): it decides what stop and pause mean. */
export function runningMode(dir: string): string | null {
  try {
    // Bounded and never blocking, like every read: a FIFO planted there must not hang stop or pause.
    const mode = (readTrustedJson(filePath(dir, 'heartbeat')) as { mode?: unknown } | undefined)?.mode;
    return typeof mode === 'string' ? mode : null;
  } catch {
    return null;
  }
}

/** A run of the child is under way (its checkpoint, inflight.json, is there from before the spawn to after the reap). */
export function childRunning(dir: string): boolean {
  return existsSync(filePath(dir, 'inflight'));
}
