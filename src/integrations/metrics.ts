// --metrics-file: the job's state in Prometheus textfile-collector format, rewritten atomically at
// each transition and every --heartbeat-interval (so node_textfile_mtime_seconds shows a live
// wrapper). Mode 0644: node_exporter usually runs as another user. A failed write is a warning.
import { bestEffortWriter } from './best-effort-write.ts';
import type { Plugin, Snapshot } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';
import { renderMetrics } from './metrics-format.ts';
import { itemsGauges } from '../items/index.ts';

export function attachMetrics(job: Job): Plugin {
  const file = job.cfg.metricsFile;
  if (!file) return { dispose() {} };
  const put = bestEffortWriter(job.log, 'metrics file');
  const write = (s: Snapshot | null) => {
    if (!s) return;
    let items = null;
    try {
      items = itemsGauges(job.cfg.stateDir);
    } catch {
      /* a corrupt item store is reported by `item` and `status`; the gauges are left out */
    }
    put(file, renderMetrics(job.cfg.name, s, items), { durable: false, mode: 0o644 });
  };
  const off = job.bus.on(write);
  const timer = setInterval(() => write(job.bus.last), job.cfg.heartbeatIntervalMs);
  return {
    dispose() {
      off();
      clearInterval(timer);
    },
  };
}
