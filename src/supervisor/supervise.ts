// The loop: at each boundary honour stop, pause and budgets; run the child; record the outcome; let
// the pure policy decide: halt, finish, or wait (backoff or interval) and go again.
import { jobHint } from '../util/job-hint.ts';
import os from 'node:os';
import { explain, type Outcome, type Verdict } from '../policy/classify.ts';
import { hintReason, retryHint, type RetryHint } from '../policy/retry-hint.ts';
import { checkBudgets } from '../policy/budgets.ts';
import { decideAfterRun, type Decision } from '../policy/decide.ts';
import { countRestart, recordFailure, recordStopped, recordSuccess, type Memory } from '../policy/memory.ts';
import { recordToken } from '../policy/progress.ts';
import { costSince } from '../policy/cost.ts';
import { formatDuration } from '../util/duration.ts';
import { childRetryAfterMs, readChildHeartbeat } from '../state/child-heartbeat.ts';
import { firstMarker } from '../state/markers.ts';
import { filePath } from '../state/files.ts';
import { EXIT } from '../exit-codes.ts';
import { finishHalted, finishStopped } from './finish.ts';
import { holdUntilProbe, probeFailed, probeSucceeded } from './probe-run.ts';
import { canProbe } from '../policy/probe.ts';
import { runIteration } from './iteration.ts';
import type { Job } from './job.ts';
import { forever, sleep } from './wait.ts';

const SIGNALS = os.constants.signals as Record<string, number>;

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
export function endingText(job: Job): string {
  const e = job.lastEnding;
  if (!e) return 'no child was running';
  if (e.killedBy === 'kill-timeout')
    return `the child did not exit within ${formatDuration(job.cfg.killTimeoutMs)} of ${e.signal} (--kill-timeout) and was killed with SIGKILL`;
  if (e.signal === 'SIGKILL') return 'the child was killed (SIGKILL)';
  if (e.killedBy === 'escalation') return `the child was killed with SIGKILL at once (it had been sent ${e.signal} already)`;
  return `the child was stopped gracefully (${e.signal})`;
}

/** Fold the outcome into the memory: failure or success, progress token, cost. */
function record(job: Job, o: Outcome, v: Verdict | null): Memory {
  const now = job.env.clock.now();
  const matched = v?.matched === undefined ? {} : { matched: v.matched };
  let m = v === null
    ? recordSuccess(job.memory, now, o.code, o.signal)
    : recordFailure(job.memory, { at: now, cls: v.cls, code: o.code, signal: o.signal, durationMs: o.durationMs, stderrTail: o.stderrTail, iteration: job.iteration, ...matched }, job.cfg.spikes);
  const hb = readChildHeartbeat(job.cfg.stateDir);
  if (hb) m = { ...m, costTotal: costSince(Math.max(m.costTotal, hb.cost), 0) };
  if (job.cfg.noProgressAfter > 0 || (job.cfg.loopRepeats > 0 && hb?.progress != null)) m = recordToken(m, hb?.progress ?? undefined, job.cfg);
  return { ...m, lastIteration: job.iteration };
}

function describe(o: Outcome): string {
  const how = o.signal ? `was killed by ${o.signal}` : `exited with ${o.code}`;
  return `${how} after ${formatDuration(o.durationMs)}`;
}

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
    // A run cut short on request is neither a success nor a failure: the boundary says what is next.
    if (o.cause === 'stopped' || o.cause === 'budget') {
      const healthy = job.cfg.mode === 'service' && o.durationMs >= job.cfg.minUptimeMs;
      // Only counts (runs, last success): losing them to a failed write never hides a failure.
      await job.save(recordStopped(job.memory, job.env.clock.now(), healthy)).catch((e: Error) => job.log.warn(`state.json not updated after the stop: ${e.message}`));
      job.event('exited', { iteration: job.iteration, code: o.code, signal: o.signal, cause: o.cause });
      // Not a success nor a failure, but a run: the next one (here, or in the next wrapper) counts on.
      await job.save({ ...job.memory, lastIteration: job.iteration++ });
      if (o.cause === 'budget') {
        const trip = checkBudgets(usage(job, job.memory), job.cfg);
        if (trip) return finishHalted(job, trip, EXIT.HALT_BUDGET);
      }
      continue;
    }
    const verdict = explain(o, job.cfg);
    const cls = verdict?.cls ?? null;
    let m = record(job, o, verdict);
    if (cls === null) job.iterationsThisRun++;
    if (job.probing) {
      job.memory = m;
      if (cls !== null) {
        await job.save(m);
        job.event('exited', { iteration: job.iteration++, code: o.code, signal: o.signal, durationMs: o.durationMs, class: cls, probe: true });
        const code = await probeFailed(job, cls);
        if (job.cfg.mode === 'once') return code;
        continue;
      }
      await probeSucceeded(job, `run ${job.iteration} ${describe(o)}`);
      m = job.memory;
    }
    const now = job.env.clock.now();
    const hint = cls === null ? null : retryHint(o.stderrTail, childRetryAfterMs(job.cfg.stateDir, job.iteration), Date.now());
    const ctx = { cls, outcome: o, iterationsThisRun: job.iterationsThisRun, usage: usage(job, m), now, random: job.env.random, retryHint: hint };
    const d: Decision = decideAfterRun(m, ctx, job.cfg, SIGNALS);
    if (d.kind === 'continue' && d.restart) m = countRestart(m);
    await job.save(m);
    job.event('exited', { iteration: job.iteration, code: o.code, signal: o.signal, durationMs: o.durationMs, class: cls, consecutiveFailures: m.consecutiveFailures });
    const said = verdict?.matched ? ` on ${JSON.stringify(verdict.matched)}` : '';
    const how = cls === null ? 'success' : `failure ${cls} (${m.consecutiveFailures} in a row, ${m.failures} in all)${said}`;
    (cls === null ? job.log.info : job.log.warn)(`child ${describe(o)}: ${how}`);
    job.iteration++;
    if (d.kind === 'halt') {
      const code = await finishHalted(job, d.trip, d.exitCode);
      // With --probe-after, service and loop mode stay up (phase halted) until the probe.
      if (job.cfg.mode !== 'once' && job.memory.latch && canProbe(job.memory.latch, job.cfg)) continue;
      return code;
    }
    if (d.kind === 'finish') {
      const msg = cls === null ? 'the run succeeded' : `the run failed (${cls}); exit status ${d.exitCode}`;
      const failed = cls !== null && d.reason !== 'TIMEOUT';
      return finishStopped(job, d.reason, d.exitCode, d.reason === 'TIMEOUT' ? `the run took longer than the timeout; ${endingText(job).replace('the child ', 'it ')}` : job.cfg.mode === 'once' ? msg : 'work completed', null, failed);
    }
    await pauseBetween(job, d.delayMs, cls === null ? 'waiting' : 'backoff', d.retryAfter ?? null);
  }
}

/** Backoff or interval: cut short by stop; a pause inside it holds the clock until resumed. */
async function pauseBetween(job: Job, delayMs: number, phase: 'waiting' | 'backoff', hint: RetryHint | null = null): Promise<void> {
  // A stop that came while the run was being ended: no wait, and the stop message tells of that run.
  if (delayMs <= 0 || job.controls.stop) return;
  job.lastEnding = null; // a stop during the wait ends no child
  // The wait is measured on the monotonic clock; only the time shown to people is wall time.
  const until = job.monoNow() + delayMs;
  job.nextStartAt = new Date(Date.now() + delayMs).toISOString();
  const why = hint ? hintReason(hint, job.cfg.backoffMaxMs) : null;
  if (phase === 'backoff') {
    job.event('backoff', { delayMs, until: job.nextStartAt, ...(hint ? { retryAfterMs: hint.ms, retryAfterFrom: hint.from } : {}) });
    job.log.info(`restarting in ${formatDuration(delayMs)}${why ? ` (${why})` : ''}`);
  }
  job.enter(phase, why);
  while (job.monoNow() < until) {
    if (job.controls.stop || firstMarker(stopFiles(job))) return;
    if (firstMarker([filePath(job.cfg.stateDir, 'pause')])) return; // the boundary waits while paused
    await sleep(until - job.monoNow(), job.controls.signal);
  }
}
