// The end of a run handed to the machine: the job's state becomes a MachineState, the child's exit an
// event (with what only the edge can read: the child's last report, its retry-after, the jitter), and
// the machine's effects are carried out through the job. What is decided is in src/machine/run-end.ts.
import type { Outcome } from '../policy/classify.ts';
import { childExited } from '../machine/run-end.ts';
import type { Effect, MachineState } from '../machine/types.ts';
import { childRetryAfterMs, readChildHeartbeat } from '../state/child-heartbeat.ts';
import { filePath } from '../state/files.ts';
import { markStopReportCleared } from '../state/stop-report-cleared.ts';
import { writeStopReport } from './finish.ts';
import type { Job } from './job.ts';

/** What comes after the run: exit with a code, wait this long before the next boundary, or go on. */
export type AfterRun = { exit: number } | { waitMs: number } | { next: 'boundary' | 'halted' };

/** The job as the machine sees it at the end of a run. */
export function machineState(job: Job, o: Outcome): MachineState {
  const c = job.controls;
  const stop = c.stop ? { kind: c.stop.kind, now: c.stop.now, signal: c.stop.signal ?? null, marker: c.stop.marker ?? null } : null;
  const ending = job.lastEnding ? { signal: job.lastEnding.signal, killedBy: job.lastEnding.killedBy } : null;
  return {
    phase: 'running',
    memory: job.memory,
    iteration: job.iteration,
    firstIteration: job.iteration,
    iterationsThisRun: job.iterationsThisRun,
    startedMono: job.startedMono,
    child: { pid: -1, startedMono: job.monoNow() - o.durationMs, cause: o.cause ?? null, killed: ending?.killedBy != null },
    killedLast: false,
    ending,
    stop,
    signals: c.signalCount,
    // The pause is the boundary's to honour (it reads the marker, who paused and why).
    paused: false,
    probing: job.probing,
    action: null,
    holdSinceMono: null,
    waited: job.waited,
    fatal: null,
  };
}

export async function afterRun(job: Job, o: Outcome): Promise<AfterRun> {
  const hb = readChildHeartbeat(job.cfg.stateDir);
  const retryAfterMs = o.code === 0 && o.signal === null ? null : childRetryAfterMs(job.cfg.stateDir, job.iteration);
  const event = { type: 'child-exited' as const, code: o.code, signal: o.signal, stderrTail: o.stderrTail, cost: hb?.cost ?? 0, progress: hb?.progress ?? null, jitter: job.env.random(), retryAfterMs, durationMs: o.durationMs };
  const r = childExited(machineState(job, o), event, job.env.clock.now(), job.cfg);
  let after: AfterRun = { next: 'boundary' };
  for (const fx of r.effects) {
    const got = await perform(job, fx);
    if (got) after = got;
  }
  job.iteration = r.state.iteration;
  job.iterationsThisRun = r.state.iterationsThisRun;
  job.probing = r.state.probing;
  if ('exit' in after) return after;
  if (r.state.phase === 'halted') return { next: 'halted' };
  return after;
}

/** One effect, through the job's own means (its save keeps the durable-write rule, its log and bus). */
async function perform(job: Job, fx: Effect): Promise<AfterRun | null> {
  switch (fx.type) {
    case 'save-memory':
      if (fx.warn === undefined) await job.save(fx.memory);
      else await job.save(fx.memory).catch((e: Error) => job.log.warn(`${fx.warn}: ${e.message}`));
      return null;
    case 'cleared':
      try {
        markStopReportCleared(job.cfg.stateDir, { halt: fx.halt, by: fx.by, reason: fx.reason, at: new Date().toISOString(), automatic: fx.automatic });
      } catch (e) {
        job.log.warn(`the halt is cleared, but stop-reason.json still says latched: ${(e as Error).message}`);
      }
      return null;
    case 'stop-reason':
      await writeStopReport(job, fx.reason, fx.exitCode, fx.message, fx.rule, fx.marker ?? null, fx.waited ? { waited: fx.waited } : undefined);
      return null;
    case 'event':
      return job.event(fx.name, fx.fields), null;
    case 'log':
      return job.log[fx.level](fx.text), null;
    case 'announce':
      return announce(job, fx.phase, fx.detail ?? null), null;
    case 'run-hook':
      await job.onHalt?.(filePath(job.cfg.stateDir, 'stopReason'), fx.reason);
      return null;
    case 'arm':
      if (fx.timer !== 'next-start') return null; // the probe is waited for by the halted loop
      job.nextStartAt = new Date(Date.now() + fx.ms).toISOString();
      return { waitMs: fx.ms };
    case 'exit':
      return { exit: fx.code };
    case 'spawn': // the loop starts the child after its own boundary
    case 'cancel':
    case 'signal-group':
      return null;
    default:
      return unreachable(fx);
  }
}

/** The machine's phases as the bus tells them (heartbeat file, metrics, notify). */
function announce(job: Job, phase: MachineState['phase'], detail: string | null): void {
  if (phase === 'backoff' || phase === 'waiting' || phase === 'halted' || phase === 'stopping') job.enter(phase, detail);
  else if (phase === 'done' && job.phase !== 'halted') job.enter('stopped', detail);
}

function unreachable(fx: never): never {
  throw new Error(`unhandled effect ${JSON.stringify(fx)}`);
}
