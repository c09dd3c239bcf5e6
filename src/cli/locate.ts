// Finding the job for commands that act on it, and whether its wrapper is alive.
import { filePath } from '../state/files.ts';
import { liveWrapper } from '../state/live-wrapper.ts';
import { readTrustedJson } from '../state/read-trusted.ts';
import { prepareStateDir, resolveStateDir } from '../state/state-dir.ts';

export function locateForWrite(a: Record<string, unknown>): { dir: string; name: string } {
  const located = resolveStateDir({ stateDir: a['state-dir'] as string | undefined, name: a.name as string | undefined });
  prepareStateDir(located.dir, { create: true });
  return located;
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
