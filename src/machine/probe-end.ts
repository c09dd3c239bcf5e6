// The end of a half-open probe run (--probe-after): success clears the latch, failure keeps it with
// the cooldown doubled (up to --probe-max). Part of the decision for an exit (run-end.ts); pure.
import type { Outcome } from '../policy/classify.ts';
import { isoOf } from '../policy/clock.ts';
import { clearLatch } from '../policy/memory.ts';
import { afterFailedProbe, probePlan } from '../policy/probe.ts';
import { enter, untilProbe } from './finish.ts';
import type { Effect, MachineConfig, MachineState, Now, Step } from './types.ts';

/** The latch is cleared: durably, in stop-reason.json too, with an event and a line saying how. */
export function resumed(s: MachineState, how: { by: string | null; reason: string | null; auto: boolean; evidence?: string; request?: string }, now: Now): Step {
  const cleared = s.memory.latch?.reason ?? null;
  const memory = clearLatch(s.memory, now);
  const effects: Effect[] = [{ type: 'save-memory', memory }];
  if (cleared) effects.push({ type: 'cleared', halt: cleared, by: how.by, reason: how.reason, automatic: how.auto });
  const fields = { by: how.by, reason: how.reason, clearedHalt: cleared, automatic: how.auto, evidence: how.evidence ?? null, request: how.request ?? null };
  effects.push(
    { type: 'event', name: 'resumed', fields },
    { type: 'log', level: 'info', text: `resumed${how.auto ? ' automatically' : ''}: ${cleared} cleared${how.reason ? ` (${how.reason})` : ''}` },
  );
  return { state: { ...s, memory, probing: false }, effects };
}

/** The probe run succeeded (exited well, or stayed up for --min-uptime). */
export const probeSucceeded = (s: MachineState, evidence: string, now: Now): Step =>
  resumed(s, { by: 'probe', reason: 'the probe run succeeded', auto: true, evidence }, now);

/** The probe run failed: recorded as a failure, and the halt stays latched. */
export function probeFailed(s: MachineState, o: Outcome, cls: string, now: Now, cfg: MachineConfig): Step {
  const l = afterFailedProbe(s.memory.latch!, now, cfg);
  const memory = { ...s.memory, latch: l };
  const next = { ...s, memory, probing: false, iteration: s.iteration + 1 };
  const plan = probePlan(l, cfg);
  const message = `probe failed (${cls}); ${l.reason} stays latched, next probe at ${isoOf(plan.dueAt)}`;
  const effects: Effect[] = [
    { type: 'save-memory', memory: s.memory },
    { type: 'event', name: 'exited', fields: { iteration: s.iteration, code: o.code, signal: o.signal, durationMs: o.durationMs, class: cls, probe: true } },
    { type: 'save-memory', memory },
    { type: 'event', name: 'probe-failed', fields: { class: cls, cooldownMs: plan.cooldownMs } },
    { type: 'log', level: 'error', text: message },
    { type: 'stop-reason', reason: l.reason, exitCode: l.exitCode, message, rule: l.rule, waited: null },
  ];
  if (cfg.mode === 'once') return enter(next, 'done', [...effects, { type: 'announce', phase: 'halted', detail: l.reason }, { type: 'exit', code: l.exitCode }]);
  return untilProbe(next, now, cfg, effects);
}
