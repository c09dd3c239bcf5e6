// What a request from outside means in each phase: a signal, a stop or pause file, the child's
// action in flight beginning or ending. Part of step (step.ts); pure.
import { EXIT } from '../exit-codes.ts';
import { childStopSignal, FORWARDED_SIGNALS, STOP_SIGNALS } from '../signals/signal-table.ts';
import { boundary } from './boundary.ts';
import { finish } from './finish.ts';
import { endGracefully, endNow, killNow, releaseHold, signalChild, withStop } from './requests.ts';
import { prepend } from './run-end.ts';
import { stopMessage } from './words.ts';
import type { MachineConfig, MachineState, Now, Step } from './types.ts';

const same = (s: MachineState): Step => ({ state: s, effects: [] });
export const running = (s: MachineState) => s.phase === 'running' || s.phase === 'holding' || s.phase === 'stopping';
/** Phases in which no child runs and nothing is pending but a timer or a person. */
const IDLE: readonly MachineState['phase'][] = ['backoff', 'waiting', 'paused', 'halted', 'orphan'];
const idle = (s: MachineState) => IDLE.includes(s.phase);
/** A request that does not wait ends a hold in progress, and the hold is told as cut short. */
const unhold = (s: MachineState, now: Now) => (s.phase === 'holding' ? releaseHold(s, now, 'escalated') : s);

export function onSignal(s: MachineState, signal: NodeJS.Signals, now: Now, cfg: MachineConfig): Step {
  // SIGHUP and SIGUSR2 are passed on, and the child keeps running; a signal not in the table is not ours.
  if (FORWARDED_SIGNALS.includes(signal)) return { state: s, effects: signalChild(s, signal) };
  if (!STOP_SIGNALS.includes(signal)) return same(s);
  const next = withStop({ ...s, signals: s.signals + 1 }, { kind: 'SIGNAL', now: true, signal });
  // A second SIGTERM/SIGINT does not wait: not for the action in flight, not for the kill timeout.
  if (next.signals > 1 && s.child && running(s)) return killNow(unhold(next, now), `${signal} again`);
  return onStop(next, now, cfg);
}

/** A stop is recorded: end what runs (service mode, --now, a signal), or finish if nothing does. */
export function onStop(s: MachineState, now: Now, cfg: MachineConfig): Step {
  const stop = s.stop!;
  if (s.phase === 'locking' || s.phase === 'spawning' || s.phase === 'stopping') return same(s);
  if (idle(s)) {
    const cancel = [{ type: 'cancel' as const, timer: 'next-start' as const }, { type: 'cancel' as const, timer: 'probe' as const }];
    return prepend(cancel, finish(s, stop.kind, EXIT.OK, stopMessageFor(s, cfg)));
  }
  // Loop and once mode: a stop file waits for the boundary; the iteration is never interrupted by it.
  if (!stop.now && cfg.mode !== 'service') return same(s);
  if (stop.kind === 'USER_KILLED' && cfg.mode === 'service') return killNow(unhold(s, now), 'safehalt stop --now');
  // stop --now does not wait for an action in flight; a first signal or a service-mode stop does.
  if (stop.kind === 'USER_KILLED') return endNow(unhold(s, now), cfg, 'stopped', 'SIGTERM');
  return endGracefully(s, now, cfg, childStopSignal(stop.signal ?? undefined));
}

/** `stop --now` after a stop already under way: a hold is cut short; in service mode (where it is the
 *  kill) a child still within its --kill-timeout is killed at once. Otherwise as a first stop. */
export function onStopNow(s: MachineState, now: Now, cfg: MachineConfig): Step {
  const child = s.child;
  if (!child || !running(s)) return onStop(s, now, cfg);
  if (cfg.mode === 'service') return child.killed ? same(s) : killNow(unhold(s, now), 'safehalt stop --now');
  if (s.phase === 'stopping') return same(s);
  return endNow(unhold(s, now), cfg, 'stopped', 'SIGTERM');
}

function stopMessageFor(s: MachineState, cfg: MachineConfig): string {
  if (s.phase === 'orphan') return 'stopped while waiting for the previous child to exit';
  // Between runs no child is running: the last run's ending is not this stop's.
  return stopMessage({ ...s, ending: null }, cfg);
}

export function onPause(s: MachineState, now: Now, cfg: MachineConfig): Step {
  if (s.paused) {
    // Service mode: the child is stopped gracefully (not a failure); loop mode lets the iteration finish.
    if (cfg.mode === 'service' && s.phase === 'running') return endGracefully(s, now, cfg, 'SIGTERM');
    if (s.phase === 'backoff' || s.phase === 'waiting') return prepend([{ type: 'cancel', timer: 'next-start' }], boundary(s, now, cfg));
    return same(s);
  }
  return s.phase === 'paused' ? boundary(s, now, cfg) : same(s);
}

export function onAction(s: MachineState, name: string | null, now: Now, cfg: MachineConfig): Step {
  const next = { ...s, action: name === null ? null : { name, sinceMono: now.mono } };
  if (s.phase !== 'holding' || name !== null) return same(next);
  // The action ended: the held stop goes ahead now.
  const released = releaseHold(s, now, 'action-ended');
  const text = `action ${JSON.stringify(released.waited!.action)} ended after ${released.waited!.ms}ms; stopping the child`;
  return endNow({ ...released, action: null }, cfg, 'stopped', childStopSignal(s.stop?.signal ?? undefined), [{ type: 'log', level: 'info', text }]);
}

