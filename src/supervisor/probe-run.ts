// The half-open probe in the shell: hold in phase `halted` until the probe is due (or a person
// resumes), then let exactly one run decide: success clears the latch, failure re-arms it.
import { EXIT } from '../exit-codes.ts';
import { isoOf } from '../policy/clock.ts';
import { clearLatch } from '../policy/memory.ts';
import { afterFailedProbe, canProbe, probePlan, probeWait } from '../policy/probe.ts';
import { formatDuration } from '../util/duration.ts';
import { filePath } from '../state/files.ts';
import { claimRequest, finishClaim, readRequest } from '../state/resume-request.ts';
import { markStopReportCleared } from '../state/stop-report-cleared.ts';
import { removeIfPresent } from '../state/read-trusted.ts';
import { finishStopped, writeStopReport } from './finish.ts';
import type { Job } from './job.ts';
import { sleep } from './wait.ts';

/** A number ends the run; null means run now (job.probing tells whether it is a probe). */
export async function holdUntilProbe(job: Job): Promise<number | null> {
  for (;;) {
    const l = job.memory.latch;
    if (!l) return null;
    const stop = job.controls.stop;
    if (stop) return finishStopped(job, stop.kind, EXIT.OK, 'stopped while halted; the halt stays latched', stop.marker);
    if (await acceptResume(job)) return null;
    if (!canProbe(l, job.cfg)) return l.exitCode;
    const wait = probeWait(l, job.env.clock.now(), job.cfg);
    if (wait === 0) {
      job.probing = true;
      job.event('probe', { reason: l.reason });
      job.log.info(`probing: one run to see whether the cause of ${l.reason} is gone`);
      return null;
    }
    job.nextStartAt = new Date(Date.now() + wait).toISOString();
    job.enter('halted', `${l.reason}; probe in ${formatDuration(wait)}`);
    await sleep(wait, job.controls.signal);
  }
}

/**
 * A `safehalt resume` waiting on this wrapper (it holds the lock): honour its request when it targets
 * the halt latched now and its requester still waits; claim it, clear the latch durably, then remove
 * the claim (the requester's acknowledgement). Any other .resume is removed, never honoured.
 */
export async function acceptResume(job: Job): Promise<boolean> {
  const dir = job.cfg.stateDir;
  const req = readRequest(dir, job.memory.latch);
  if (req === null) return false;
  if (typeof req === 'string') {
    removeIfPresent(filePath(dir, 'resume'));
    job.event('resume-ignored', { why: req });
    job.log.warn(`ignored and removed ${filePath(dir, 'resume')}: ${req}`);
    return false;
  }
  if (!claimRequest(dir)) return false; // withdrawn by its requester this instant
  try {
    await resumed(job, { by: req.by, reason: req.reason, auto: false, request: req.id });
  } finally {
    finishClaim(dir);
  }
  return true;
}

async function resumed(job: Job, how: { by: string | null; reason: string | null; auto: boolean; evidence?: string; request?: string }): Promise<void> {
  const cleared = job.memory.latch?.reason ?? null;
  await job.save(clearLatch(job.memory, job.env.clock.now()));
  try {
    if (cleared) markStopReportCleared(job.cfg.stateDir, { halt: cleared, by: how.by, reason: how.reason, at: new Date().toISOString(), automatic: how.auto });
  } catch (e) {
    job.log.warn(`the halt is cleared, but stop-reason.json still says latched: ${(e as Error).message}`);
  }
  job.event('resumed', { by: how.by, reason: how.reason, clearedHalt: cleared, automatic: how.auto, evidence: how.evidence ?? null, request: how.request ?? null });
  job.log.info(`resumed${how.auto ? ' automatically' : ''}: ${cleared} cleared${how.reason ? ` (${how.reason})` : ''}`);
}

export async function probeSucceeded(job: Job, evidence: string): Promise<void> {
  if (!job.probing) return;
  job.probing = false;
  await resumed(job, { by: 'probe', reason: 'the probe run succeeded', auto: true, evidence });
}

/** The probe failed: stay latched, with the cooldown doubled (up to --probe-max). */
export async function probeFailed(job: Job, cls: string): Promise<number> {
  job.probing = false;
  const l = afterFailedProbe(job.memory.latch!, job.env.clock.now(), job.cfg);
  await job.save({ ...job.memory, latch: l });
  const next = probePlan(l, job.cfg);
  const message = `probe failed (${cls}); ${l.reason} stays latched, next probe at ${isoOf(next.dueAt)}`;
  job.event('probe-failed', { class: cls, cooldownMs: next.cooldownMs });
  job.log.error(message);
  await writeStopReport(job, l.reason, l.exitCode, message, l.rule);
  return l.exitCode;
}
