// The loop: at each boundary honour stop, pause and budgets; run the child; hand its end to the
// machine (src/machine/run-end.ts decides: halt, finish, or wait for the backoff or interval) and go again.
import { jobHint } from '../util/job-hint.ts';
import { checkBudgets } from '../policy/budgets.ts';
import type { Memory } from '../policy/memory.ts';
import { costSince } from '../policy/cost.ts';
import { endingText as ending } from '../machine/words.ts';
import { firstMarker } from '../state/markers.ts';
import { filePath } from '../state/files.ts';
import { EXIT } from '../exit-codes.ts';
import { finishHalted, finishStopped } from './finish.ts';
import { holdUntilProbe } from './probe-run.ts';
import { afterRun } from './exit-edge.ts';
import { runIteration } from './iteration.ts';
import type { Job } from './job.ts';
import { forever, sleep } from './wait.ts';

export const stopFiles = (job: Job) => [filePath(job.cfg.stateDir, 'stop'), ...job.cfg.stopFiles];

/** Budget usage now: restarts and cost since the last resume, runtime of this wrapper. */
function usage(job: Job, m: Memory) {
  return { restarts: m.restarts - m.budgetBase.restarts, cost: costSince(m.costTotal, m.budgetBase.cost), runtimeMs: job.monoNow() - job.startedMono };
}

/** At a boundary: a number ends the run with that code; null means go on and start the child. */
async function boundary(job: Job): Promise<number | null> {
  for (;;) {
    const stop = job.controls.stop;
    if (stop) return finishStopped(job, stop.kind, EXIT.OK, stopMessage(job, stop.kind, stop.signal), stop.marker);
    const marker = firstMarker(stopFiles(job));
    if (marker) {
      job.controls.requestStop({ kind: marker.now ? 'USER_KILLED' : 'STOP_FILE', now: marker.now, marker });
      continue;
    }
    // Cost and runtime here; the restart budget is checked when a restart is decided.
    const budget = checkBudgets({ ...usage(job, job.memory), restarts: 0 }, job.cfg);
    if (budget) return finishHalted(job, budget, EXIT.HALT_BUDGET);
    const pause = firstMarker([filePath(job.cfg.stateDir, 'pause')]);
    job.controls.setPause(pause);
    if (!pause) return null;
    job.lastEnding = null; // a stop while paused ends no child
    if (job.phase !== 'paused') {
      job.event('paused', { by: pause.by, reason: pause.reason });
      job.log.info(`paused${pause.by ? ` by ${pause.by}` : ''}${pause.reason ? `: ${pause.reason}` : ''}; waiting for: ${jobHint('resume', job.cfg.stateDir)}`);
      job.nextStartAt = null;
      job.enter('paused', pause.reason);
    }
    await forever(job.controls.signal);
  }
}

/** What the stop did to the child: graceful, SIGKILL after the kill timeout, or at once. */
function stopMessage(job: Job, kind: string, signal?: string): string {
  if (kind === 'STOP_FILE') return 'stop file present';
  return kind === 'SIGNAL' ? `${signal ?? 'signal'} received; ${endingText(job)}` : `safehalt stop --now: ${endingText(job)}`;
}
/** How the wrapper ended the last run (Job.lastEnding), in words. */
export const endingText = (job: Job): string => ending(job.lastEnding, job.cfg);

export async function supervise(job: Job, firstEnv: Record<string, string>): Promise<number> {
  let extraEnv = firstEnv;
  for (;;) {
    // Halted but probing (--probe-after): hold until the probe is due, or a person resumes.
    if (job.memory.latch && !job.probing) {
      const code = await holdUntilProbe(job);
      if (code !== null) return code;
    }
    const early = await boundary(job);
    if (early !== null) return early;
    const o = await runIteration(job, extraEnv);
    extraEnv = {};
    const next = await afterRun(job, o);
    if ('exit' in next) return next.exit;
    if ('waitMs' in next) await waitBetween(job, next.waitMs);
  }
}

/** Backoff or interval: cut short by stop; a pause inside it holds the clock until resumed. */
async function waitBetween(job: Job, delayMs: number): Promise<void> {
  // A stop that came while the run was being ended: no wait, and the stop message tells of that run.
  if (delayMs <= 0 || job.controls.stop) return;
  job.lastEnding = null; // a stop during the wait ends no child
  // The wait is measured on the monotonic clock; only the time shown to people is wall time.
  const until = job.monoNow() + delayMs;
  while (job.monoNow() < until) {
    if (job.controls.stop || firstMarker(stopFiles(job))) return;
    if (firstMarker([filePath(job.cfg.stateDir, 'pause')])) return; // the boundary waits while paused
    await sleep(until - job.monoNow(), job.controls.signal);
  }
}
