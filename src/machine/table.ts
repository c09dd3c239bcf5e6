// The state table: every phase, the events it answers, the phases it may go to, and what it does.
// step.ts is the code; this is its summary, checked against it (test/machine/table.test.ts: every
// transition the model runs make is declared here) and drawn in the README by
// scripts/machine-diagram.ts, so that neither can drift.
import type { Phase } from './types.ts';

export interface Row {
  from: Phase;
  on: string;
  to: readonly Phase[];
  does: string;
}

const AFTER_RUN: readonly Phase[] = ['backoff', 'waiting', 'spawning', 'paused', 'halted', 'done'];
const BOUNDARY: readonly Phase[] = ['spawning', 'paused', 'halted', 'done'];

export const TABLE: readonly Row[] = [
  { from: 'locking', on: 'lock-acquired', to: ['spawning', 'orphan', 'paused', 'halted', 'done'], does: 'latched: refuse (83) or wait for the probe; stop file: exit 0; once+pause: 85' },
  { from: 'locking', on: 'lock-busy', to: ['done'], does: 'exit 84' },
  { from: 'orphan', on: 'orphan-gone', to: BOUNDARY, does: 'boundary' },
  { from: 'spawning', on: 'child-started', to: ['running', 'holding', 'stopping', ...AFTER_RUN], does: 'arm run timers; act on a request that came meanwhile' },
  { from: 'spawning', on: 'spawn-failed', to: AFTER_RUN, does: 'a failed run (127/126)' },
  { from: 'running', on: 'child-exited', to: AFTER_RUN, does: 'classify, record, decide: halt, finish, backoff or interval' },
  { from: 'holding', on: 'child-exited', to: AFTER_RUN, does: 'the wait ends with the child' },
  { from: 'stopping', on: 'child-exited', to: AFTER_RUN, does: 'a stopped run: not a failure; boundary' },
  { from: 'running', on: 'signal', to: ['running', 'holding', 'stopping'], does: 'SIGHUP, SIGUSR2 forwarded; a stop signal (signal-table.ts): graceful stop, the child gets SIGTERM (SIGINT for SIGINT)' },
  { from: 'holding', on: 'signal', to: ['holding', 'stopping'], does: 'a second signal does not wait: SIGKILL' },
  { from: 'stopping', on: 'signal', to: ['stopping'], does: 'a second signal: SIGKILL at once' },
  { from: 'running', on: 'stop-file', to: ['running', 'holding', 'stopping'], does: 'service or --now: end the child; loop: at the boundary' },
  { from: 'holding', on: 'stop-file', to: ['holding', 'stopping'], does: 'stop --now does not wait' },
  { from: 'stopping', on: 'stop-file', to: ['stopping'], does: 'service: stop --now kills at once (no --kill-timeout wait)' },
  { from: 'running', on: 'pause-file', to: ['running', 'holding', 'stopping'], does: 'service: end the child gracefully; loop: at the boundary' },
  { from: 'holding', on: 'action', to: ['holding', 'stopping'], does: 'the action ended: the held stop goes ahead' },
  { from: 'holding', on: 'timer:action-grace', to: ['stopping'], does: '--action-grace is over: stop now' },
  { from: 'running', on: 'timer:timeout', to: ['stopping'], does: '--timeout' },
  { from: 'holding', on: 'timer:timeout', to: ['stopping'], does: '--timeout does not wait' },
  { from: 'running', on: 'timer:runtime', to: ['stopping'], does: '--max-runtime' },
  { from: 'holding', on: 'timer:runtime', to: ['stopping'], does: '--max-runtime does not wait' },
  { from: 'running', on: 'timer:stall', to: ['stopping'], does: '--stall-timeout' },
  { from: 'running', on: 'timer:min-uptime', to: ['running'], does: 'healthy: reset the consecutive count; a probe succeeded' },
  { from: 'holding', on: 'timer:min-uptime', to: ['holding'], does: 'healthy (as running)' },
  { from: 'stopping', on: 'timer:kill', to: ['stopping'], does: '--kill-timeout is over: SIGKILL' },
  { from: 'running', on: 'write-failed', to: ['stopping'], does: 'memory cannot be recorded: stop the child, then 78' },
  { from: 'holding', on: 'write-failed', to: ['stopping'], does: 'as running' },
  ...(['backoff', 'waiting'] as const).flatMap((from): Row[] => [
    { from, on: 'timer:next-start', to: BOUNDARY, does: 'boundary' },
    { from, on: 'pause-file', to: ['paused', ...BOUNDARY], does: 'boundary (paused)' },
    { from, on: 'timer:runtime', to: [from, 'halted', 'done'], does: '--max-runtime reached between runs: halt (81)' },
  ]),
  { from: 'paused', on: 'pause-file', to: ['paused', ...BOUNDARY], does: 'the pause is gone: boundary' },
  { from: 'halted', on: 'timer:probe', to: BOUNDARY, does: 'one probe run' },
  { from: 'halted', on: 'resume-file', to: BOUNDARY, does: 'clear the latch: boundary' },
  ...(['orphan', 'backoff', 'waiting', 'paused', 'halted'] as const).flatMap((from): Row[] => [
    { from, on: 'signal', to: [from, 'done'], does: 'exit 0 (SIGNAL)' },
    { from, on: 'stop-file', to: ['done'], does: 'exit 0 (STOP_FILE, USER_KILLED)' },
    { from, on: 'write-failed', to: ['done'], does: 'exit 78' },
  ]),
  { from: 'locking', on: 'write-failed', to: ['done'], does: 'exit 78' },
];

export const eventKey = (e: { type: string; timer?: string }): string => (e.type === 'timer' ? `timer:${e.timer}` : e.type);
