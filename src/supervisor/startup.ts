// Before the first child: a latched halt refuses (83), a stop file stops (0), a pause in once mode
// exits 85, and a checkpoint left by a dead wrapper is reported (and its child waited for or killed).
import { EXIT } from '../exit-codes.ts';
import { resumeCommand } from '../policy/stop-report.ts';
import { isSameProcess, type ProcessIdentity } from '../child/proc.ts';
import { reapGroup } from '../child/terminate.ts';
import { ownGroup } from '../child/group-signal.ts';
import { readChildHeartbeat } from '../state/child-heartbeat.ts';
import { filePath } from '../state/files.ts';
import { readInflight, type Inflight } from '../state/inflight.ts';
import { firstMarker } from '../state/markers.ts';
import { finishStopped, writeStopReport } from './finish.ts';
import { acceptResume } from './startup-resume.ts';
import type { Job } from './job.ts';
import { stopFiles } from './stop-files.ts';
import { sleep } from './wait.ts';
import { canProbe, probeWait } from '../policy/probe.ts';
import { formatDuration } from '../util/duration.ts';
import { markerKey, notice, STOP_FILE_REPEAT_MS } from './notices.ts';
import type { Marker } from '../state/markers.ts';
import { jobHint } from '../util/job-hint.ts';

const since = (m: Marker) => (m.at ? ` since ${m.at}${m.by ? ` (by ${m.by}${m.reason ? `: ${m.reason}` : ''})` : ''}` : '');

/** A number: exit now with it. An object: go on, with these variables for the first child. */
export async function preflight(job: Job): Promise<number | Record<string, string>> {
  const { cfg } = job;
  // A `safehalt resume` waiting for the lock this run took: its request is answered here.
  acceptResume(job);
  const l = job.memory.latch;
  // --probe-after: service and loop mode stay up until the probe; once mode probes when it is due.
  const probing = l !== null && canProbe(l, cfg) && (cfg.mode !== 'once' || probeWait(l, job.env.clock.now(), cfg) === 0);
  if (probing && cfg.mode === 'once') {
    job.probing = true;
    job.event('probe', { reason: l!.reason });
    job.log.info(`probing: one run to see whether the cause of ${l!.reason} is gone`);
  }
  if (l && !probing) {
    const refusals = (l.refusals ?? 0) + 1;
    await job.save({ ...job.memory, latch: { ...l, refusals } });
    await writeStopReport(job, 'HALT_LATCHED', EXIT.LATCHED, `refused to start: ${l.reason} latched since ${new Date(l.at.wall).toISOString()} (${l.message})`, l.rule, null, {
      latchedHalt: { reason: l.reason, rule: l.rule, message: l.message, exitCode: l.exitCode, time: new Date(l.at.wall).toISOString() },
      refusals,
    });
    job.event('refused', { reason: l.reason, refusals });
    // Under --quiet (cron) the refusal is reported once, not at every tick.
    if (!cfg.quiet || refusals === 1)
      job.log.error(`refusing to start: halt ${l.reason} is latched (${l.message}).${probeNote(job)} Fix the cause, then: ${resumeCommand(cfg.stateDir)}`);
    return EXIT.LATCHED;
  }
  const stop = firstMarker(stopFiles(job));
  if (stop) {
    // Under --quiet a forgotten stop file would silence the job forever: say so once a day.
    const n = notice(cfg.stateDir, markerKey('stop', stop), STOP_FILE_REPEAT_MS);
    // resume removes the job's own .stop only; an extra --stop-file is the operator's to remove.
    const clear = stop.path === filePath(cfg.stateDir, 'stop') ? jobHint('resume', cfg.stateDir) : `rm ${stop.path}`;
    if (cfg.quiet && n.say)
      job.log.warn(`not running: stop file ${stop.path} is present${since(stop)}; every run exits 0 until it goes (said once a day under --quiet). To run again: ${clear}`);
    return finishStopped(job, 'STOP_FILE', EXIT.OK, `stop file ${stop.path} present; the child was not started (${clear} removes it)`, stop, { notice: n.notice });
  }
  const pause = firstMarker([filePath(cfg.stateDir, 'pause')]);
  if (pause && cfg.mode === 'once') {
    job.event('paused', { by: pause.by, reason: pause.reason });
    // Under --quiet (cron) said when the pause starts or changes, not at every tick.
    const n = notice(cfg.stateDir, markerKey('pause', pause));
    if (!cfg.quiet || n.say)
      job.log.warn(`paused${pause.reason ? ` (${pause.reason})` : ''}: not running${cfg.quiet ? ' (said once under --quiet; later ticks exit 85 silently)' : ''}; to continue: ${jobHint('resume', cfg.stateDir)}`);
    await writeStopReport(job, 'USER_PAUSED', EXIT.PAUSED, 'the job is paused; the child was not started', null, pause, { notice: n.notice });
    return EXIT.PAUSED;
  }
  return interrupted(job);
}

function probeNote(job: Job): string {
  const l = job.memory.latch!;
  if (!canProbe(l, job.cfg)) return '';
  return ` A probe run is due in ${formatDuration(probeWait(l, job.env.clock.now(), job.cfg))}.`;
}

async function interrupted(job: Job): Promise<number | Record<string, string>> {
  const { cfg } = job;
  const left = readInflight(cfg.stateDir);
  if (!left) return {};
  // A checkpoint whose child never started still carries the interruption its child was to hear of.
  const report = (left.pid === null && left.interrupted) || { iteration: left.iteration, action: readChildHeartbeat(cfg.stateDir)?.action?.name ?? null };
  const env: Record<string, string> = { SAFEHALT_PREVIOUS_INTERRUPTED: '1', SAFEHALT_INTERRUPTED_ITERATION: String(report.iteration) };
  if (report.action) env.SAFEHALT_INTERRUPTED_ACTION = report.action;
  job.event('interrupted', { iteration: report.iteration, pid: left.pid, since: left.startedAt, action: report.action });
  job.log.warn(`the previous run (iteration ${report.iteration}, started ${left.startedAt}) was interrupted: its wrapper died${report.action ? ` during action ${JSON.stringify(report.action)}` : ''}`);
  const child = previousChild(job, left);
  if (child) {
    const code = await orphan(job, child);
    if (code !== null) return code;
  }
  // inflight.json stays until the next checkpoint replaces it (carrying this report; the action is
  // forgotten only then): a wrapper that dies before its child starts leaves it to the next start.
  return env;
}

/** The checkpoint's child, when that very process still runs: pid, start time, boot and pid
 * namespace all match. A pid recorded without its start time is never taken for it (pids are reused). */
function previousChild(job: Job, left: Inflight): ProcessIdentity | null {
  if (left.pid === null || left.pid <= 0 || left.pidExited === true) return null;
  const id: ProcessIdentity = { pid: left.pid, startTime: left.pidStartTime, boot: left.boot, pidns: left.pidns };
  if (isSameProcess(id)) return id;
  if (left.pidStartTime === null || left.boot === undefined)
    job.log.info(`the previous child's pid ${left.pid} was recorded without its start time or boot; it is not taken for the child (pids are reused)`);
  return null;
}

/** The child of a dead wrapper still runs: never start a second copy. Wait for it, or kill it. */
async function orphan(job: Job, child: ProcessIdentity): Promise<number | null> {
  const { cfg } = job;
  const { pid } = child;
  job.event('orphan', { pid, action: cfg.orphan });
  if (cfg.orphan === 'kill') {
    job.log.warn(`the previous child (pid ${pid}) is still running: stopping it (--orphan kill)`);
    // Identified by pid and start time above: the one process group not started by this wrapper
    // that it may signal.
    ownGroup(pid);
    await reapGroup(pid, cfg.killTimeoutMs);
    return null;
  }
  job.log.warn(`the previous child (pid ${pid}) is still running: waiting for it to exit (--orphan wait; --orphan kill stops it)`);
  job.childPid = pid;
  job.enter('running', 'orphan');
  // Not our child, so its exit cannot be awaited: look once a second, and only in this rare case.
  while (isSameProcess(child)) {
    const marker = firstMarker(stopFiles(job));
    if (marker && !job.controls.stop) job.controls.requestStop({ kind: marker.now ? 'USER_KILLED' : 'STOP_FILE', now: marker.now, marker });
    if (job.controls.stop) return finishStopped(job, job.controls.stop.kind, EXIT.OK, 'stopped while waiting for the previous child to exit', job.controls.stop.marker);
    await sleep(1000, job.controls.signal);
  }
  job.childPid = null;
  return null;
}
