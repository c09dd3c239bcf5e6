// heartbeat.json: the wrapper's own heartbeat, written at each transition and every
// --heartbeat-interval. A failed write is a warning: it is not failure memory.
import { selfIdentity } from '../child/proc.ts';
import { attachSnapshotFile } from './best-effort-write.ts';
import { filePath } from '../state/files.ts';
import { lastPulseMs, readChildHeartbeat } from '../state/child-heartbeat.ts';
import type { Plugin, Snapshot } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';

export const HEARTBEAT_SCHEMA = 1;

export function heartbeatBody(job: Job, s: Snapshot) {
  let child = null;
  try {
    child = readChildHeartbeat(job.cfg.stateDir);
  } catch {
    /* shown as missing; the loop reports a corrupt file */
  }
  const pulse = lastPulseMs(job.cfg.stateDir);
  const self = selfIdentity();
  return {
    schema: HEARTBEAT_SCHEMA,
    time: new Date().toISOString(),
    pid: process.pid,
    // With the pid, who this wrapper is: a later run tells it from a stranger that got its pid.
    pidStartTime: self.startTime,
    boot: self.boot,
    pidns: self.pidns,
    name: job.cfg.name,
    mode: job.cfg.mode,
    phase: s.phase,
    detail: s.detail,
    iteration: s.iteration,
    childPid: s.childPid,
    childStartedAt: s.childStartedAt,
    nextStartAt: s.nextStartAt,
    startedAt: new Date(job.startedWall).toISOString(),
    heartbeatIntervalMs: job.cfg.heartbeatIntervalMs,
    lastChildHeartbeat: pulse === null ? null : new Date(pulse).toISOString(),
    child,
  };
}

export const attachHeartbeatFile = (job: Job): Plugin =>
  attachSnapshotFile(job, 'heartbeat', filePath(job.cfg.stateDir, 'heartbeat'), (s) => JSON.stringify(heartbeatBody(job, s), null, 2) + '\n', { durable: false });
