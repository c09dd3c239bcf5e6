// `safehalt run` from start to end: vet the state directory, take the job's lock, load the memory,
// attach the optional behaviours (one visible list), supervise, and tear everything down.
import { EXIT } from '../exit-codes.ts';
import type { RunConfig } from '../config/run-config.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { loadMemory } from '../state/memory-store.ts';
import { prepareStateDir } from '../state/state-dir.ts';
import { vetLayout } from '../state/layout-check.ts';
import { tryLock, type LockResult } from '../state/run-lock.ts';
import { systemClock } from '../state/system-clock.ts';
import { readChildHeartbeat } from '../state/child-heartbeat.ts';
import { readInflight } from '../state/inflight.ts';
import { removeStaleTemps } from '../state/stale-temps.ts';
import { attachHeartbeatFile } from '../integrations/heartbeat-file.ts';
import { attachMarkerWatcher } from '../integrations/marker-watcher.ts';
import { warnIfPid1 } from '../integrations/pid1.ts';
import { attachMetrics } from '../integrations/metrics.ts';
import { refreshMetrics } from '../integrations/metrics-refresh.ts';
import { rememberMetricsTarget } from '../integrations/metrics-target.ts';
import { attachNotify } from '../integrations/notify.ts';
import { attachOnHalt } from '../integrations/on-halt.ts';
import { attachStallDetector } from '../integrations/stall-detector.ts';
import { attachSignalHandlers } from '../signals/signal-handlers.ts';
import type { Plugin } from './bus.ts';
import { Controls } from './controls.ts';
import { Job, type Env } from './job.ts';
import { appendEvent } from '../state/events.ts';
import { filePath } from '../state/files.ts';
import { firstMarker } from '../state/markers.ts';
import { writeItemsDefault } from '../items/config.ts';
import { preflight } from './startup.ts';
import { supervise } from './supervise.ts';
import type { JobEdges } from './edges.ts';
import { sleep } from './wait.ts';
import { formatDuration } from '../util/duration.ts';

export function defaultEnv(cfg: RunConfig): Env {
  return {
    clock: systemClock,
    random: Math.random,
    log: createLogger({ name: cfg.name, format: cfg.logFormat, quiet: cfg.quiet, journal: Boolean(process.env.JOURNAL_STREAM) }),
  };
}

/** The lock, waiting up to --wait-lock for it; a signal or a stop file ends the wait ('stopped'). */
async function lock(cfg: RunConfig, log: Logger, controls: Controls): Promise<LockResult | 'stopped'> {
  const deadline = performance.now() + cfg.waitLockMs;
  const onCompromised = (e: Error) => log.error(`the job's lock was lost (${e.message}); another run may start`);
  for (let announced = false; ; announced = true) {
    const r = await tryLock(cfg.stateDir, onCompromised);
    if (r.ok || performance.now() >= deadline) return r;
    if (controls.stop || firstMarker([filePath(cfg.stateDir, 'stop'), ...cfg.stopFiles])) return 'stopped';
    if (!announced) log.info(`waiting up to ${formatDuration(cfg.waitLockMs)} for the run holding the lock${r.owner ? ` (pid ${r.owner.pid})` : ''}`);
    await sleep(Math.min(200, deadline - performance.now()), controls.signal);
  }
}

/** The metrics file's path, for the commands that refresh it; not failure memory: a warning if it cannot be written. */
function remember(cfg: RunConfig, log: Logger): void {
  try {
    rememberMetricsTarget(cfg.stateDir, cfg.metricsFile ? { path: cfg.metricsFile, name: cfg.name, heartbeatIntervalMs: cfg.heartbeatIntervalMs, stallTimeoutMs: cfg.stallTimeoutMs } : null);
  } catch (e) {
    log.warn(`cannot remember the metrics file's path (${(e as Error).message}); resume and pause will not refresh it`);
  }
}

/** Stopped while waiting for another run's lock: that run owns the job's files (its stop-reason.json
 * stays its own); this one only logs, appends an event, and exits 0 as a handled stop does. */
function stoppedWaiting(cfg: RunConfig, log: Logger, controls: Controls): number {
  const why = controls.stop?.signal ? `${controls.stop.signal} received` : 'a stop file is present';
  log.info(`stopped (${controls.stop ? 'SIGNAL' : 'STOP_FILE'}) while waiting for the lock: ${why}; the child was not started`);
  try {
    appendEvent(cfg.stateDir, 'stopped', { reason: controls.stop ? 'SIGNAL' : 'STOP_FILE', exitCode: EXIT.OK, message: `${why} while waiting for the lock`, waitingForLock: true });
  } catch (e) {
    log.warn(`cannot append to events.jsonl: ${(e as Error).message}`);
  }
  return EXIT.OK;
}

export async function runJob(cfg: RunConfig, env: Env = defaultEnv(cfg)): Promise<number> {
  const controls = new Controls();
  let edges: JobEdges | null = null;
  // Watched from the start: a signal while waiting for the lock or an orphan is a handled stop too
  // (Controls); once the machine runs, every signal is an event for it. Only a child of ours is
  // signalled (not an orphan being waited for).
  const signals = attachSignalHandlers(env.log, {
    childPid: () => edges?.liveChild() ?? null,
    stop: (signal) => (edges ? edges.request({ type: 'signal', signal }) : controls.requestStop({ kind: 'SIGNAL', now: true, signal })),
    forward: (signal) => (edges?.liveChild() ? (edges.request({ type: 'signal', signal }), true) : false),
  });
  try {
    return await runLocked(cfg, env, controls, (e) => (edges = e));
  } finally {
    signals.dispose();
  }
}

async function runLocked(cfg: RunConfig, env: Env, controls: Controls, created: (edges: JobEdges) => void): Promise<number> {
  warnIfPid1(env.log);
  prepareStateDir(cfg.stateDir, { create: true });
  // Before the lock and before any child: a foreign run.lock is 78 naming it, not "busy" for a minute.
  vetLayout(cfg.stateDir);
  const held = await lock(cfg, env.log, controls);
  if (held === 'stopped') return stoppedWaiting(cfg, env.log, controls);
  if (!held.ok) {
    env.log.error(`busy: another run of this job holds ${cfg.stateDir}/run.lock${held.owner ? ` (pid ${held.owner.pid})` : ''}; not starting a second copy`);
    return EXIT.BUSY;
  }
  const plugins: Plugin[] = [];
  try {
    removeStaleTemps(cfg.stateDir);
    // Every file that carries memory is vetted before anything is written (exit 78 otherwise).
    const memory = loadMemory(cfg.stateDir, cfg.name);
    readInflight(cfg.stateDir);
    readChildHeartbeat(cfg.stateDir);
    if (cfg.maxRetriesPerItem !== null) writeItemsDefault(cfg.stateDir, cfg.maxRetriesPerItem);
    const job = new Job(cfg, env, memory, controls);
    remember(cfg, env.log);
    const first = await preflight(job);
    // A refused start, a stop file, a pause: no plugin is up, so the metrics file is refreshed here.
    if (typeof first === 'number') {
      if (cfg.metricsFile) refreshMetrics(cfg.stateDir, { ending: true });
      return first;
    }
    // Written at once: proves the memory can be recorded before any child is started.
    await job.save(job.memory);
    plugins.push(
      attachHeartbeatFile(job),
      attachMarkerWatcher(job),
      attachStallDetector(job),
      attachMetrics(job),
      attachNotify(job),
      attachOnHalt(job),
    );
    env.log.info(`supervising in ${cfg.mode} mode; state in ${cfg.stateDir}`);
    job.event('supervising', { mode: cfg.mode, pid: process.pid, command: [cfg.command, ...cfg.args] });
    return await supervise(job, first, created);
  } finally {
    for (const p of plugins.reverse()) await p.dispose();
    await held.release().catch(() => undefined);
  }
}
