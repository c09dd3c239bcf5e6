// One run of the child, the machine's `spawn` effect carried out: checkpoint, spawn in its own
// group, report started (or spawn-failed), then at its exit read the child's report, reap its group,
// clear the checkpoint and report the exit with what the boundary finds. No decision is made here:
// every request during the run, every timer and the end of the run are the machine's.
import type { Event, Ending } from '../machine/types.ts';
import { identityOf, selfIdentity } from '../child/proc.ts';
import { REPORT_FD, spawnChild } from '../child/spawn-child.ts';
import { listenForReports } from '../child/report-listen.ts';
import { reapGroup } from '../child/terminate.ts';
import { clearInflight, writeInflight } from '../state/inflight.ts';
import { filePath } from '../state/files.ts';
import { childRetryAfterMs, clearChildAction, preparePulseFile, readChildHeartbeat } from '../state/child-heartbeat.ts';
import { programEnv } from '../runtime/node-env.ts';
import { clip } from '../util/clip.ts';
import { childOutput } from '../log/child-output.ts';
import type { Job } from './job.ts';
import type { Boundary } from './request-edge.ts';

/** How the edge ended this run (the signals it sent), told to the machine with the exit. */
export interface RunRecord {
  pid: number;
  ending: Ending | null;
}

export interface RunEdge {
  deliver(e: Event): void;
  /** A write the run depends on failed: the machine stops the child, the wrapper ends with it (78). */
  fatal(e: Error): void;
  hasFatal(): boolean;
  boundary: Boundary;
}

export function childEnv(job: Job, iteration: number, extra: Record<string, string>): NodeJS.ProcessEnv {
  // The wrapper's environment, with the Node runtime variables held back from the wrapper itself.
  const env = programEnv();
  // systemd's notify socket and watchdog belong to the wrapper, not to the child.
  for (const k of ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'SAFEHALT_PREVIOUS_INTERRUPTED', 'SAFEHALT_INTERRUPTED_ITERATION', 'SAFEHALT_INTERRUPTED_ACTION']) delete env[k];
  return {
    ...env,
    SAFEHALT_STATE_DIR: job.cfg.stateDir,
    SAFEHALT_NAME: job.cfg.name,
    SAFEHALT_ITERATION: String(iteration),
    SAFEHALT_HEARTBEAT_FILE: filePath(job.cfg.stateDir, 'childPulse'),
    SAFEHALT_FD: String(REPORT_FD),
    ...extra,
  };
}

export async function runChild(job: Job, iteration: number, extraEnv: Record<string, string>, edge: RunEdge, record: (r: RunRecord | null) => void): Promise<void> {
  const { cfg } = job;
  // Memory could not be recorded: no child is started (the machine ends the wrapper, 78).
  if (edge.hasFatal()) return edge.deliver({ type: 'spawn-failed', code: 0, error: 'the memory could not be recorded' });
  const command = [cfg.command, ...cfg.args].join(' ');
  const self = selfIdentity();
  const base = { schema: 1 as const, iteration, wrapperPid: process.pid, wrapperStartTime: self.startTime, boot: self.boot, pidns: self.pidns, command };
  // The checkpoint comes first: a run whose end could not be recorded is never started. It carries
  // the interruption this child is told of until the child has started.
  const told = extraEnv.SAFEHALT_PREVIOUS_INTERRUPTED
    ? { iteration: Number(extraEnv.SAFEHALT_INTERRUPTED_ITERATION), action: extraEnv.SAFEHALT_INTERRUPTED_ACTION ?? null }
    : null;
  try {
    await writeInflight(cfg.stateDir, { ...base, pid: null, pidStartTime: null, startedAt: new Date().toISOString(), interrupted: told });
    // An action still open is an earlier child's: the new child starts with none, so that no stop of it is held for a process that is gone.
    await clearChildAction(cfg.stateDir);
    preparePulseFile(cfg.stateDir);
  } catch (e) {
    // No child was started: the machine ends at once (78), nothing recorded as a run.
    edge.fatal(e as Error);
    edge.deliver({ type: 'write-failed', file: 'inflight.json', message: (e as Error).message });
    return edge.deliver({ type: 'spawn-failed', code: 0, error: (e as Error).message });
  }
  const started = Date.now(); // shown to people
  const output = childOutput(cfg, job.log);
  const child = spawnChild({ command: cfg.command, args: cfg.args, env: childEnv(job, iteration, extraEnv), sink: output.sink, captureStdout: output.captureStdout });
  if ('error' in child) {
    clearInflight(cfg.stateDir);
    return edge.deliver({ type: 'spawn-failed', code: child.code, error: child.error });
  }
  // No pid: the program could not be started (127 not found, 126 cannot execute); no group to signal.
  if (child.pid <= 1) {
    const exit = await child.exited;
    await child.outputDone;
    output.ended();
    clearInflight(cfg.stateDir);
    return edge.deliver({ type: 'spawn-failed', code: exit.code ?? 126, error: child.tail() });
  }
  // Read before the event loop can reap it: a child that already exited is a zombie still, whose
  // start time is there to read and whose pid nobody else has yet.
  const { startTime: pidStartTime, exited: pidExited } = identityOf(child.pid);
  const reports = listenForReports(child, cfg.stateDir, iteration, (m) => job.log.warn(m));
  const run: RunRecord = { pid: child.pid, ending: null };
  record(run);
  // The checkpoint naming the child: if it cannot be written, the run's end could not be recorded
  // either, so the machine stops the child now and the write error ends the wrapper (exit 78).
  const checkpoint = writeInflight(cfg.stateDir, { ...base, pid: child.pid, pidStartTime, pidExited, startedAt: new Date(started).toISOString() }).then(
    () => null,
    (e: Error) => (edge.fatal(e), e),
  );
  job.childPid = child.pid;
  job.childStartedAt = new Date(started).toISOString();
  job.childStartedMono = job.monoNow();
  job.nextStartAt = null;
  if (child.pid > 0) job.log.info(`started ${clip(command, 1024)} (pid ${child.pid}, iteration ${iteration})`);
  edge.deliver({ type: 'child-started', pid: child.pid, pidStartTime });
  // The stall detector (integrations/stall-detector.ts) finds the child silent: the machine's stall.
  job.terminateChild = (cause) => cause === 'stalled' && edge.deliver({ type: 'timer', timer: 'stall' });
  const unrecorded = await checkpoint;
  if (unrecorded) edge.deliver({ type: 'write-failed', file: 'inflight.json', message: unrecorded.message });

  const exit = await child.exited;
  const durationMs = Math.round(job.monoNow() - job.childStartedMono);
  // What the child reported is recorded before its outcome is judged.
  await reports.close();
  await child.outputDone;
  output.ended();
  await reapGroup(child.pid, run.ending ? 0 : cfg.killTimeoutMs);
  // Memory that could not be saved is the error to report; the checkpoint stays (the run's end is unrecorded).
  if (!edge.hasFatal()) clearInflight(cfg.stateDir);
  job.childPid = null;
  job.terminateChild = null;
  record(null);
  const hb = readChildHeartbeat(cfg.stateDir);
  const retryAfterMs = childRetryAfterMs(cfg.stateDir, iteration);
  edge.deliver({
    type: 'child-exited', code: exit.code, signal: exit.signal, stderrTail: child.tail(), cost: hb?.cost ?? 0, progress: hb?.progress ?? null,
    jitter: job.env.random(), retryAfterMs, durationMs, ending: run.ending, boundary: edge.boundary(),
  });
}
