// The ends of a run of the wrapper, as effects: every exit but busy (84, the lock is another's) and a
// failed write (78, nothing can be written) writes a stop reason whose exitCode is the exit code.
import { latch } from '../policy/memory.ts';
import { canProbe, probeWait, withFirstProbe } from '../policy/probe.ts';
import type { Trip } from '../policy/rules.ts';
import type { StopReason } from '../policy/stop-reasons.ts';
import { EXIT } from '../exit-codes.ts';
import { formatDuration } from '../util/duration.ts';
import { untilWhen, withWaited } from './words.ts';
import type { Effect, MachineConfig, MachineState, Now, Step } from './types.ts';

export const enter = (s: MachineState, phase: MachineState['phase'], effects: Effect[] = [], detail: string | null = null): Step => ({
  state: { ...s, phase },
  effects: [...effects, { type: 'announce', phase, detail }],
});

/** A clean end: signal, stop file, stop --now, completion, once-mode status. A once-mode run that
 *  failed ends here too (its status passes through), said as a failure; the message tells what a
 *  stop waited for. */
export function finish(s: MachineState, reason: StopReason, exitCode: number, text: string, failed = false): Step {
  const message = withWaited(text, s.waited);
  const line = failed ? `finished: ${message}` : `stopped (${reason}): ${message}`;
  const marker = s.stop && s.stop.kind === reason ? (s.stop.marker ?? null) : null;
  return enter(s, 'done', [
    { type: 'announce', phase: 'stopping', detail: reason },
    { type: 'stop-reason', reason, exitCode, message, rule: null, waited: s.waited, marker },
    { type: 'event', name: 'stopped', fields: { reason, exitCode, message } },
    { type: 'log', level: 'info', text: line },
    { type: 'exit', code: exitCode },
  ], reason);
}

/** Nothing can be recorded: no stop reason (it could not be written either), exit 78. */
export const fatalExit = (s: MachineState, message: string): Step =>
  enter(s, 'done', [{ type: 'log', level: 'error', text: message }, { type: 'exit', code: EXIT.CONFIG }]);

/** A safe halt: latch, stop reason, the hook; with --probe-after (not once) stay up until the probe. */
export function halt(s: MachineState, trip: Trip, exitCode: number, now: Now, cfg: MachineConfig): Step {
  const memory = latch(s.memory, withFirstProbe({ reason: trip.reason, rule: trip.rule, message: trip.message, exitCode, at: now }, cfg));
  const effects: Effect[] = [
    { type: 'save-memory', memory },
    { type: 'stop-reason', reason: trip.reason, exitCode, message: trip.message, rule: trip.rule, waited: null },
    { type: 'event', name: 'halted', fields: { reason: trip.reason, rule: trip.rule, message: trip.message, exitCode } },
    { type: 'log', level: 'error', text: `HALTED ${trip.reason}: ${trip.message} [rule ${trip.rule}]. ${untilWhen(memory.latch!, cfg)}` },
    { type: 'announce', phase: 'halted', detail: trip.reason },
    { type: 'run-hook', reason: trip.reason },
  ];
  const next = { ...s, memory, probing: false };
  // With --probe-after, service and loop mode stay up (phase halted) until the probe.
  if (cfg.mode !== 'once' && canProbe(memory.latch!, cfg)) return untilProbe(next, now, cfg, effects);
  return enter(next, 'done', [...effects, { type: 'exit', code: exitCode }]);
}

/** Halted with --probe-after (not once): the probe timer is armed; a person may resume first. */
export function untilProbe(s: MachineState, now: Now, cfg: MachineConfig, effects: Effect[] = []): Step {
  const l = s.memory.latch!;
  const wait = probeWait(l, now, cfg);
  return enter(s, 'halted', [...effects, { type: 'arm', timer: 'probe', ms: wait }], `${l.reason}; probe in ${formatDuration(wait)}`);
}
