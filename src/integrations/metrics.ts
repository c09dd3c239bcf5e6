// --metrics-file: the job's state in Prometheus textfile-collector format, rewritten atomically at
// each transition and every --heartbeat-interval (so safehalt_heartbeat_timestamp_seconds shows a
// live wrapper). Mode 0644: node_exporter usually runs as another user. A failed write is a warning.
import { attachSnapshotFile } from './best-effort-write.ts';
import type { Plugin } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';
import { renderMetrics } from './metrics-format.ts';
import { itemsGauges } from '../items/index.ts';
import { lastPulseMs } from '../state/child-heartbeat.ts';

export function attachMetrics(job: Job): Plugin {
  const file = job.cfg.metricsFile;
  if (!file) return { dispose() {} };
  const { heartbeatIntervalMs, stallTimeoutMs, stateDir } = job.cfg;
  const render = () => ({ items: gauges(job), heartbeatIntervalMs, stallTimeoutMs, lastChildHeartbeatMs: lastPulseMs(stateDir) });
  return attachSnapshotFile(job, 'metrics file', file, (s) => renderMetrics(job.cfg.name, s, render()), { durable: false, mode: 0o644 });
}

function gauges(job: Job) {
  try {
    return itemsGauges(job.cfg.stateDir);
  } catch {
    return null; // a corrupt item store is reported by `item` and `status`; the gauges are left out
  }
}
