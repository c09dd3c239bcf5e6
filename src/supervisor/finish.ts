// stop-reason.json, written for the machine's stop-reason effect (edges.ts) and for the ends before
// the machine starts (startup.ts: a stop file, a pause in once mode, a stop during the orphan wait).
import { buildStopReport } from '../policy/stop-report.ts';
import type { StopReason } from '../policy/stop-reasons.ts';
import { writeJsonSync } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import type { Marker } from '../state/markers.ts';
import type { Job } from './job.ts';

export async function writeStopReport(job: Job, reason: StopReason, exitCode: number, message: string, rule: string | null, marker?: Marker | null, extra?: Record<string, unknown>) {
  return writeStopReportSync(job, reason, exitCode, message, rule, marker, extra);
}

/** stop-reason.json, durably: what the machine's runner writes (its edges are synchronous). */
export function writeStopReportSync(job: Job, reason: StopReason, exitCode: number, message: string, rule: string | null, marker?: Marker | null, extra?: Record<string, unknown>) {
  const { cfg } = job;
  const report = buildStopReport({
    reason,
    exitCode,
    message,
    rule,
    memory: job.memory,
    now: job.env.clock.now(),
    cfg,
    name: cfg.name,
    stateDir: cfg.stateDir,
    command: [cfg.command, ...cfg.args],
    requestedBy: marker ? { by: marker.by, reason: marker.reason, at: marker.at, file: marker.path } : null,
    extra,
  });
  writeJsonSync(filePath(cfg.stateDir, 'stopReason'), report, { durable: true });
  return report;
}

/** A clean stop before the machine runs (a stop file at start, a stop during the orphan wait): exit 0.
 *  `extra` goes into stop-reason.json (a notice under --quiet). */
export async function finishStopped(job: Job, reason: StopReason, exitCode: number, message: string, marker?: Marker | null, extra?: Record<string, unknown>): Promise<number> {
  job.enter('stopping', reason);
  await writeStopReport(job, reason, exitCode, message, null, marker, extra);
  job.event('stopped', { reason, exitCode, message });
  job.log.info(`stopped (${reason}): ${message}`);
  job.enter('stopped', reason);
  return exitCode;
}
