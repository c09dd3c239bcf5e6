// Type=notify: READY=1 once the job is up (its first child started, or paused on purpose), STATUS=
// with a one-line status at each transition, STOPPING=1 when the wrapper is about to end, and
// WATCHDOG=1 every WATCHDOG_USEC/2 while the job is healthy, so that systemd's WatchdogSec= catches
// a hung wrapper or a stalled child. Nothing happens without NOTIFY_SOCKET.
import type { Phase, Plugin, Snapshot } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';
import { isStalled } from './liveness.ts';
import { NotifySender } from './notify-sender.ts';
import { statusLine } from './status-line.ts';
import { every } from '../util/long-timer.ts';

/** systemd-notify waits up to 5s for the manager to read a message; a little more bounds it. */
const HELPER_TIMEOUT_MS = 7000;

/** Phases in which the job is up: the first one sends READY=1. */
const UP: ReadonlySet<Phase> = new Set(['running', 'backoff', 'waiting', 'paused']);
/** Phases that end the wrapper: the first one sends STOPPING=1. */
const ENDING: ReadonlySet<Phase> = new Set(['stopping', 'stopped', 'halted']);
/** Phases in which watchdog pings go on (with a fresh child heartbeat while running). */
const ALIVE: ReadonlySet<Phase> = new Set(['starting', 'running', 'backoff', 'waiting', 'paused']);

/** WATCHDOG_USEC/2 in ms, when systemd asks this process (WATCHDOG_PID unset or ours) for pings. */
export function watchdogPeriodMs(env: NodeJS.ProcessEnv, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isInteger(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

/** Healthy: the wrapper is in a live phase, and a running child is not stalled (--stall-timeout). */
export const healthy = (job: Job): boolean => ALIVE.has(job.phase) && !isStalled(job);

export function attachNotify(job: Job, env: NodeJS.ProcessEnv = process.env): Plugin {
  if (!env.NOTIFY_SOCKET) return { dispose() {} };
  const sender = new NotifySender({ pid: process.pid, env, timeoutMs: HELPER_TIMEOUT_MS, warn: (m) => job.log.warn(m) });
  let ready = false;
  let ending = false;
  const onTransition = (s: Snapshot) => {
    const fields: Record<string, string> = {};
    if (!ready && UP.has(s.phase)) fields.READY = '1';
    fields.STATUS = statusLine(s, job.cfg.stateDir);
    if (!ending && ENDING.has(s.phase)) fields.STOPPING = '1';
    ready ||= 'READY' in fields;
    ending ||= 'STOPPING' in fields;
    sender.send(fields);
  };
  const off = job.bus.on(onTransition);
  const period = watchdogPeriodMs(env);
  const stopPings = period === null ? null : every(period, () => healthy(job) && sender.send({ WATCHDOG: '1' }));
  return {
    async dispose() {
      off();
      stopPings?.();
      await sender.flush();
    },
  };
}
