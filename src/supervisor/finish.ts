// Every way a run of the wrapper ends writes stop-reason.json, logs one line and an event, and
// announces the final phase. Halts also latch the job in state.json first.
import { buildStopReport, resumeCommand } from '../policy/stop-report.ts';
import { latch } from '../policy/memory.ts';
import { canProbe, probePlan, withFirstProbe } from '../policy/probe.ts';
import { isoOf } from '../policy/clock.ts';
import { formatDuration } from '../util/duration.ts';
import type { Trip } from '../policy/rules.ts';
import { STOP_REASONS, type StopReason } from '../policy/stop-reasons.ts';
import { writeJson } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import type { Marker } from '../state/markers.ts';
import type { Job } from './job.ts';

export async function writeStopReport(job: Job, reason: StopReason, exitCode: number, message: string, rule: string | null, marker?: Marker | null, extra?: Record<string, unknown>) {
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
  await writeJson(filePath(cfg.stateDir, 'stopReason'), report, { durable: true });
  return report;
}

/** A clean stop: signal, stop file, stop --now, completion. Exit 0 (or the once-mode status). A
 *  once-mode run that failed ends here too (its status passes through), said as a failure. `extra`
 *  goes into stop-reason.json (a notice under --quiet). */
export async function finishStopped(job: Job, reason: StopReason, exitCode: number, text: string, marker?: Marker | null, failed = false, extra?: Record<string, unknown>): Promise<number> {
  const w = job.waited;
  const message = w ? `${text}; waited ${formatDuration(w.ms)} for action ${JSON.stringify(w.action)} to end (${WAIT_ENDS[w.ended]})` : text;
  job.enter('stopping', reason);
  await writeStopReport(job, reason, exitCode, message, null, marker, w || extra ? { ...(w ? { waited: w } : {}), ...extra } : undefined);
  job.event('stopped', { reason, exitCode, message });
  // A failed once-mode run was already reported as a failure (warn); this is the closing line.
  job.log.info(failed ? `finished: ${message}` : `stopped (${reason}): ${message}`);
  job.enter('stopped', reason);
  return exitCode;
}

const WAIT_ENDS = { 'action-ended': 'it ended', 'grace-expired': '--action-grace ran out', escalated: 'a second request did not wait' } as const;

/** A safe halt: latch, stop reason, an error line naming the resume command, the --on-halt hook. */
export async function finishHalted(job: Job, trip: Trip, exitCode: number): Promise<number> {
  const now = job.env.clock.now();
  await job.save(latch(job.memory, withFirstProbe({ reason: trip.reason, rule: trip.rule, message: trip.message, exitCode, at: now }, job.cfg)));
  await writeStopReport(job, trip.reason, exitCode, trip.message, trip.rule);
  job.event('halted', { reason: trip.reason, rule: trip.rule, message: trip.message, exitCode });
  job.log.error(`HALTED ${trip.reason}: ${trip.message} [rule ${trip.rule}]. ${untilWhen(job)}`);
  job.enter('halted', trip.reason);
  await job.onHalt?.(filePath(job.cfg.stateDir, 'stopReason'), trip.reason);
  return exitCode;
}

/** What happens next: only a person's resume, or a probe on its own (--probe-after) unless resumed first. */
function untilWhen(job: Job): string {
  const l = job.memory.latch!;
  const resume = resumeCommand(job.cfg.stateDir);
  if (!canProbe(l, job.cfg)) return `The job will not start again until: ${resume}`;
  const { dueAt, cooldownMs } = probePlan(l, job.cfg);
  const after = `${formatDuration(cooldownMs)} (at ${isoOf(dueAt)}, --probe-after)`;
  const when = job.cfg.mode === 'once' ? `at the first start after ${after}` : `in ${after}, on its own`;
  return `A probe will try one run ${when}; to clear the halt sooner: ${resume}`;
}

export const explain = (reason: StopReason) => STOP_REASONS[reason].means;
