// The ends of a run of the wrapper, as effects: every exit but busy (84, the lock is another's) and a
// failed write (78, nothing can be written) writes a stop reason whose exitCode is the exit code.
import { latch } from '../policy/memory.ts';
import { canProbe, probeWait, withFirstProbe } from '../policy/probe.ts';
import type { Trip } from '../policy/rules.ts';
import type { StopReason } from '../policy/stop-reasons.ts';
import { EXIT } from '../exit-codes.ts';
import { formatDuration } from '../util/duration.ts';
import type { Effect, MachineConfig, MachineState, Now, Step } from './types.ts';

export const enter = (s: MachineState, phase: MachineState['phase'], effects: Effect[] = []): Step => ({
  state: { ...s, phase },
  effects: [...effects, { type: 'announce', phase }],
});

/** A clean end: signal, stop file, stop --now, completion, once-mode status. */
export function finish(s: MachineState, reason: StopReason, exitCode: number, message: string, failed = false): Step {
  const line = failed ? `finished: ${message}` : `stopped (${reason}): ${message}`;
  return enter(s, 'done', [
    { type: 'stop-reason', reason, exitCode, message, rule: null, waited: s.waited },
    { type: 'event', name: 'stopped', fields: { reason, exitCode, message, waited: s.waited } },
    { type: 'log', level: 'info', text: line },
    { type: 'exit', code: exitCode },
  ]);
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
    { type: 'log', level: 'error', text: `HALTED ${trip.reason}: ${trip.message} [rule ${trip.rule}]` },
    { type: 'run-hook', reason: trip.reason },
  ];
  const next = { ...s, memory, probing: false };
  if (cfg.mode !== 'once' && canProbe(memory.latch!, cfg)) {
    const wait = probeWait(memory.latch!, now, cfg);
    effects.push({ type: 'arm', timer: 'probe', ms: wait }, { type: 'log', level: 'info', text: `probe in ${formatDuration(wait)}` });
    return enter(next, 'halted', effects);
  }
  return enter(next, 'done', [...effects, { type: 'exit', code: exitCode }]);
}
