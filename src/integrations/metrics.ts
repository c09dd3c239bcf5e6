// --metrics-file: the job's state in Prometheus textfile-collector format, rewritten atomically at
// each transition and every --heartbeat-interval (so node_textfile_mtime_seconds shows a live
// wrapper). Mode 0644: node_exporter usually runs as another user. A failed write is a warning.
import { writeAtomic } from '../state/atomic-write.ts';
import type { Plugin, Snapshot } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';
import { renderMetrics } from './metrics-format.ts';
import { itemsGauges } from '../items/index.ts';

export function attachMetrics(job: Job): Plugin {
  const file = job.cfg.metricsFile;
  if (!file) return { dispose() {} };
  let last: Promise<void> = Promise.resolve();
  let warned = false;
  const write = (s: Snapshot | null) => {
    if (!s) return;
    let items = null;
    try {
      items = itemsGauges(job.cfg.stateDir);
    } catch (e) {
      if (!warned) job.log.warn(`item memory: ${(e as Error).message}`);
    }
    const text = renderMetrics(job.cfg.name, s, items);
    // One write after another, so that the file always ends with the latest transition.
    last = last.then(() =>
      writeAtomic(file, text, { durable: false, mode: 0o644 }).then(
        () => {
          warned = false;
        },
        (e: Error) => {
          if (!warned) job.log.warn(`cannot write the metrics file ${file}: ${e.message}`);
          warned = true;
        },
      ),
    );
  };
  const off = job.bus.on(write);
  const timer = setInterval(() => write(job.bus.last), job.cfg.heartbeatIntervalMs);
  return {
    async dispose() {
      off();
      clearInterval(timer);
      await last;
    },
  };
}
