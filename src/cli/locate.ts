// Finding the job for commands that act on it, and whether its wrapper is alive.
import { existsSync, readFileSync } from 'node:fs';
import { sameProcessAlive } from '../child/proc.ts';
import { filePath } from '../state/files.ts';
import { readOwner } from '../state/run-lock.ts';
import { prepareStateDir, resolveStateDir } from '../state/state-dir.ts';

export function locateForWrite(a: Record<string, unknown>): { dir: string; name: string } {
  const located = resolveStateDir({ stateDir: a['state-dir'] as string | undefined, name: a.name as string | undefined });
  prepareStateDir(located.dir, { create: true });
  return located;
}

/** The pid of the live `run` holding the job's lock, or null. */
export function runningWrapper(dir: string): number | null {
  const owner = readOwner(dir);
  if (!owner || !existsSync(filePath(dir, 'lock'))) return null;
  return sameProcessAlive(owner.pid, owner.startTime) ? owner.pid : null;
}

/** The mode of the running wrapper, from its heartbeat.json (null when unreadable): it decides what stop and pause mean. */
export function runningMode(dir: string): string | null {
  try {
    const mode = (JSON.parse(readFileSync(filePath(dir, 'heartbeat'), 'utf8')) as { mode?: unknown }).mode;
    return typeof mode === 'string' ? mode : null;
  } catch {
    return null;
  }
}
