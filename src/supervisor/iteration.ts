// One run of the child: checkpoint, spawn in its own group, end it when asked (signal, stop, pause in
// service mode, timeout, stall, runtime budget), reap its group, clear the checkpoint.
import type { Outcome } from '../policy/classify.ts';
import { markHealthy } from '../policy/memory.ts';
import { identityOf, selfIdentity } from '../child/proc.ts';
import { REPORT_FD, spawnChild } from '../child/spawn-child.ts';
import { listenForReports } from '../child/report-listen.ts';
import { Terminator, reapGroup } from '../child/terminate.ts';
import { clearInflight, writeInflight } from '../state/inflight.ts';
import { filePath } from '../state/files.ts';
import { clearChildAction, preparePulseFile } from '../state/child-heartbeat.ts';
import { programEnv } from '../runtime/node-env.ts';
import { childStopSignal } from '../signals/signal-table.ts';
import type { Job } from './job.ts';
import { probeSucceeded } from './probe-run.ts';
import { ActionHold } from './action-hold.ts';
import { formatDuration } from '../util/duration.ts';
import { after, type Cancel } from '../util/long-timer.ts';
import { clip } from '../util/clip.ts';
import { childOutput } from '../log/child-output.ts';

export type Cause = NonNullable<Outcome['cause']>;

export function childEnv(job: Job, extra: Record<string, string>): NodeJS.ProcessEnv {
  // The wrapper's environment, with the Node runtime variables held back from the wrapper itself.
  const env = programEnv();
  // systemd's notify socket and watchdog belong to the wrapper, not to the child.
  delete env.NOTIFY_SOCKET;
  delete env.WATCHDOG_USEC;
  delete env.WATCHDOG_PID;
  delete env.SAFEHALT_PREVIOUS_INTERRUPTED;
  delete env.SAFEHALT_INTERRUPTED_ITERATION;
  delete env.SAFEHALT_INTERRUPTED_ACTION;
  return {
    ...env,
    SAFEHALT_STATE_DIR: job.cfg.stateDir,
    SAFEHALT_NAME: job.cfg.name,
    SAFEHALT_ITERATION: String(job.iteration),
    SAFEHALT_HEARTBEAT_FILE: filePath(job.cfg.stateDir, 'childPulse'),
    SAFEHALT_FD: String(REPORT_FD),
    ...extra,
  };
}

/** SIGKILL after the kill timeout or on escalation: said when it happens, and recorded. */
function killedLog(job: Job, why: 'kill-timeout' | 'escalation'): void {
  if (why === 'kill-timeout') job.log.warn(`the child did not exit within ${formatDuration(job.cfg.killTimeoutMs)} (--kill-timeout): sending SIGKILL to its process group`);
  job.event('killed', { signal: 'SIGKILL', why, pid: job.childPid });
}

/** A service run that stays up for --min-uptime is healthy: the consecutive count resets, and a probe succeeds. */
async function upForMinUptime(job: Job): Promise<void> {
  await job.save(markHealthy(job.memory, job.env.clock.now()));
  await probeSucceeded(job, `the child stayed up for ${formatDuration(job.cfg.minUptimeMs)}`);
}

export async function runIteration(job: Job, extraEnv: Record<string, string>): Promise<Outcome> {
  const { cfg } = job;
  const command = [cfg.command, ...cfg.args].join(' ');
  const self = selfIdentity();
  const base = { schema: 1 as const, iteration: job.iteration, wrapperPid: process.pid, wrapperStartTime: self.startTime, boot: self.boot, pidns: self.pidns, command };
  // The checkpoint comes first: a run whose end could not be recorded is never started. It carries
  // the interruption this child is told of until the child has started.
  const told = extraEnv.SAFEHALT_PREVIOUS_INTERRUPTED
    ? { iteration: Number(extraEnv.SAFEHALT_INTERRUPTED_ITERATION), action: extraEnv.SAFEHALT_INTERRUPTED_ACTION ?? null }
    : null;
  await writeInflight(cfg.stateDir, { ...base, pid: null, pidStartTime: null, startedAt: new Date().toISOString(), interrupted: told });
  // An action still open is an earlier child's (reported above if its wrapper died): the new child
  // starts with none, so no stop of it is held for a process that is gone.
  await clearChildAction(cfg.stateDir);
  preparePulseFile(cfg.stateDir);
  const started = Date.now(); // shown to people
  const startedMono = job.monoNow(); // measured
  const output = childOutput(cfg, job.log);
  const child = spawnChild({ command: cfg.command, args: cfg.args, env: childEnv(job, extraEnv), sink: output.sink, captureStdout: output.captureStdout });
  if ('error' in child) {
    clearInflight(cfg.stateDir);
    return { code: child.code, signal: null, durationMs: 0, stderrTail: child.error };
  }
  // Read before the event loop can reap it: a child that already exited is a zombie still, whose
  // start time is there to read and whose pid nobody else has yet.
  const { startTime: pidStartTime, exited: pidExited } = identityOf(child.pid);
  const reports = listenForReports(child, cfg.stateDir, job.iteration, (m) => job.log.warn(m));
  const term = new Terminator(child.pid, cfg.killTimeoutMs, (why) => killedLog(job, why));
  let cause: Cause | undefined;
  const end = (why: Cause, sig: NodeJS.Signals = 'SIGTERM') => {
    cause ??= why;
    term.terminate(sig);
  };
  // The checkpoint naming the child, before anything announces it: if it cannot be written, the
  // run's end could not be recorded either, so the child is stopped now and the write error ends
  // the wrapper (exit 78).
  const checkpoint = writeInflight(cfg.stateDir, { ...base, pid: child.pid, pidStartTime, pidExited, startedAt: new Date(started).toISOString() }).then(
    () => null,
    (e: Error) => (end('stopped'), e),
  );
  job.childPid = child.pid;
  job.childStartedAt = new Date(started).toISOString();
  job.childStartedMono = startedMono;
  job.nextStartAt = null;
  job.enter('running');
  if (child.pid > 0) job.log.info(`started ${clip(command, 1024)} (pid ${child.pid}, iteration ${job.iteration})`);
  job.event('started', { pid: child.pid, pidStartTime, iteration: job.iteration });

  job.terminateChild = end;
  const hold = new ActionHold(job);
  // A graceful stop waits for an action in flight (--action-grace); a kill never does.
  const graceful = (sig: NodeJS.Signals) => {
    if (!term.started && !hold.begin(() => end('stopped', sig))) end('stopped', sig);
  };
  const onRequest = () => {
    const stop = job.controls.stop;
    // Service mode: a stop (or pause) ends the child gracefully now; `stop --now`, which must mean
    // more than that, kills it at once. Loop and once mode: only --now and signals end a run.
    const kill = job.controls.signalCount > 1 || (cfg.mode === 'service' && stop?.kind === 'USER_KILLED');
    if (stop && (stop.now || cfg.mode === 'service')) {
      if (kill) {
        hold.escalate();
        cause ??= 'stopped';
        term.kill();
      } else if (stop.kind === 'USER_KILLED') {
        hold.escalate(); // stop --now does not wait for the action
        end('stopped', childStopSignal(stop.signal));
      } else graceful(childStopSignal(stop.signal));
    } else if (job.controls.pause && cfg.mode === 'service') graceful('SIGTERM');
  };
  const offRequest = job.controls.onRequest(onRequest);
  onRequest();
  const timers: Cancel[] = [];
  if (cfg.timeoutMs > 0) timers.push(after(cfg.timeoutMs, () => end('timeout')));
  if (cfg.maxRuntimeMs > 0) timers.push(after(cfg.maxRuntimeMs - (startedMono - job.startedMono), () => end('budget')));
  // The reset at --min-uptime is failure memory too: if it cannot be saved, the child is stopped and
  // the write error ends the wrapper (exit 78), as for the checkpoint. A run that was already healthy
  // records only its last success there: a failed write is then a warning, the child keeps running.
  let unsaved: Error | null = null;
  if (cfg.mode === 'service') {
    const strict = job.memory.consecutiveFailures > 0 || job.probing;
    const failed = (e: Error) => (strict ? ((unsaved ??= e), end('stopped')) : job.log.warn(`state.json not updated with the last success: ${e.message}`));
    timers.push(after(cfg.minUptimeMs, () => void upForMinUptime(job).catch(failed)));
  }

  const exit = await child.exited;
  const durationMs = Math.round(job.monoNow() - startedMono);
  // What the child reported is recorded before its outcome is judged.
  await reports.close();
  for (const cancel of timers) cancel();
  offRequest();
  hold.dispose();
  term.dispose();
  job.terminateChild = null;
  await child.outputDone;
  output.ended();
  job.lastEnding = term.started ? { signal: term.firstSignal ?? 'SIGKILL', killedBy: term.killedBy } : null;
  await reapGroup(child.pid, term.started ? 0 : cfg.killTimeoutMs);
  const unrecorded = await checkpoint;
  // Memory that could not be saved is the error to report; the checkpoint stays (the run's end is unrecorded).
  if (unsaved) throw unsaved;
  clearInflight(cfg.stateDir);
  if (unrecorded) throw unrecorded;
  job.childPid = null;
  return { code: exit.code, signal: exit.signal, durationMs, stderrTail: child.tail(), cause };
}
