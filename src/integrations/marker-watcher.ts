// Stop and pause files are watched (inotify, fs.watch on their directories), never polled: an event
// only makes the job re-check presence, which is the truth. Events for the other files of the state
// directory (every state write makes some) are dropped by name, before any file system call. A
// directory that does not exist yet (a --stop-file elsewhere) is watched through chokidar, which is
// loaded only then.
import { watch } from 'node:fs';
import path from 'node:path';
import { filePath } from '../state/files.ts';
import type { Plugin } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';
import { stopFiles } from '../supervisor/stop-files.ts';

/** Look again: the job's edge compares what is present with what the machine knows. */
export const recheckMarkers = (job: Job): void => job.recheck();

export function attachMarkerWatcher(job: Job): Plugin {
  const files = [...stopFiles(job), filePath(job.cfg.stateDir, 'pause'), filePath(job.cfg.stateDir, 'resume')];
  const names = new Map<string, Set<string>>(); // directory → the marker names in it
  for (const f of files) names.set(path.dirname(f), (names.get(path.dirname(f)) ?? new Set()).add(path.basename(f)));
  const warn = (e: unknown) => job.log.warn(`watching stop/pause files: ${(e as Error).message}`);
  const closers: Array<() => unknown> = [];
  const missing: string[] = [];
  for (const [dir, wanted] of names) {
    try {
      // No name (the kernel's event queue overflowed): re-check all the same.
      const w = watch(dir, { persistent: true }, (_event, name) => (name === null || wanted.has(String(name))) && recheckMarkers(job));
      w.on('error', warn);
      closers.push(() => w.close());
    } catch {
      missing.push(dir);
    }
  }
  if (missing.length > 0) closers.push(watchMissing(job, missing, new Set(files.filter((f) => missing.includes(path.dirname(f)))), warn));
  return {
    async dispose() {
      for (const close of closers) await close();
    },
  };
}

/** Directories that do not exist yet: chokidar waits for them to appear. Returns its closer. */
function watchMissing(job: Job, dirs: string[], wanted: Set<string>, warn: (e: unknown) => void): () => Promise<void> {
  const watcher = import('chokidar').then(({ watch: watchPaths }) => {
    const w = watchPaths(dirs, { depth: 0, ignoreInitial: true, persistent: true, atomic: false });
    w.on('all', (_event, p) => wanted.has(path.resolve(p)) && recheckMarkers(job));
    w.on('error', warn);
    return w;
  });
  watcher.catch(warn);
  return () => watcher.then((w) => w.close(), () => undefined);
}
