// Files that are not failure memory (heartbeat.json, the metrics file): rewritten at each transition
// and every --heartbeat-interval. A failed write is a warning, said once until a write succeeds
// again, and the job carries on.
import { WriteError, writeAtomicSync, type WriteOptions } from '../state/atomic-write.ts';
import type { Logger } from '../log/logger.ts';
import type { Plugin, Snapshot } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';
import { every } from '../util/long-timer.ts';

export function bestEffortWriter(log: Logger, what: string): (file: string, text: string, opts: WriteOptions) => void {
  let warned = false;
  return (file, text, opts) => {
    try {
      writeAtomicSync(file, text, opts);
      warned = false;
    } catch (e) {
      if (!warned) log.warn(`${what} not updated: ${e instanceof WriteError ? `cannot write ${e.file}: ${e.why}` : (e as Error).message}; the job carries on`);
      warned = true;
    }
  };
}

/** Keep `file` showing `render(snapshot)`: at every transition, and every heartbeat interval. */
export function attachSnapshotFile(job: Job, what: string, file: string, render: (s: Snapshot) => string, opts: WriteOptions): Plugin {
  const put = bestEffortWriter(job.log, what);
  const write = (s: Snapshot | null) => s && put(file, render(s), opts);
  const off = job.bus.on(write);
  const stopTimer = every(job.cfg.heartbeatIntervalMs, () => write(job.bus.last));
  return {
    dispose() {
      off();
      stopTimer();
    },
  };
}
