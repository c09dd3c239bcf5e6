// Stop and pause files are watched (inotify through chokidar), never polled: an event only makes
// the job re-check presence, which is the truth.
import path from 'node:path';
import { watch } from 'chokidar';
import { filePath } from '../state/files.ts';
import { firstMarker, readMarker } from '../state/markers.ts';
import type { Plugin } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';
import { stopFiles } from '../supervisor/supervise.ts';

export function recheckMarkers(job: Job): void {
  const stop = firstMarker(stopFiles(job));
  if (stop && (!job.controls.stop || (stop.now && !job.controls.stop.now)))
    job.controls.requestStop({ kind: stop.now ? 'USER_KILLED' : 'STOP_FILE', now: stop.now, marker: stop });
  job.controls.setPause(readMarker(filePath(job.cfg.stateDir, 'pause')));
  if (readMarker(filePath(job.cfg.stateDir, 'resume'))) job.controls.wake();
}

export function attachMarkerWatcher(job: Job): Plugin {
  const files = [...stopFiles(job), filePath(job.cfg.stateDir, 'pause'), filePath(job.cfg.stateDir, 'resume')];
  const dirs = [...new Set(files.map((f) => path.dirname(f)))];
  const wanted = new Set(files);
  const watcher = watch(dirs, { depth: 0, ignoreInitial: true, persistent: true, atomic: false });
  watcher.on('all', (_event, p) => {
    if (wanted.has(path.resolve(p))) recheckMarkers(job);
  });
  watcher.on('error', (e) => job.log.warn(`watching stop/pause files: ${(e as Error).message}`));
  return { dispose: () => watcher.close() };
}
