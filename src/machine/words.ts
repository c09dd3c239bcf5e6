// What the machine says about a run, a stop and a halt: the log lines and stop-reason messages
// people and scripts read (the e2e tests match them), built from the machine's state alone. Pure.
import type { Outcome } from '../policy/classify.ts';
import { isoOf } from '../policy/clock.ts';
import type { Latch } from '../policy/memory.ts';
import { canProbe, probePlan } from '../policy/probe.ts';
import { resumeCommand } from '../policy/stop-report.ts';
import { formatDuration } from '../util/duration.ts';
import type { Ending, MachineConfig, MachineState, Waited } from './types.ts';

/** "exited with 1 after 2s", "was killed by SIGKILL after 40ms". */
export function describeRun(o: Outcome): string {
  const how = o.signal ? `was killed by ${o.signal}` : `exited with ${o.code}`;
  return `${how} after ${formatDuration(o.durationMs)}`;
}

/** How the wrapper ended the last run, in words; null: it ended by itself, or none ran. */
export function endingText(e: Ending | null, cfg: Pick<MachineConfig, 'killTimeoutMs'>): string {
  if (!e) return 'no child was running';
  if (e.killedBy === 'kill-timeout')
    return `the child did not exit within ${formatDuration(cfg.killTimeoutMs)} of ${e.signal} (--kill-timeout) and was killed with SIGKILL`;
  if (e.signal === 'SIGKILL') return 'the child was killed (SIGKILL)';
  if (e.killedBy === 'escalation') return `the child was killed with SIGKILL at once (it had been sent ${e.signal} already)`;
  return `the child was stopped gracefully (${e.signal})`;
}

/** The words of a stop: how the child was ended (told by the runtime's ending when it is known). */
export function stopMessage(s: MachineState, cfg: MachineConfig): string {
  const stop = s.stop!;
  if (s.phase === 'halted') return 'stopped while halted; the halt stays latched';
  if (stop.kind === 'STOP_FILE') return 'stop file present';
  const what = s.ending !== undefined ? endingText(s.ending, cfg) : modelEnding(s);
  if (stop.kind === 'USER_KILLED') return `safehalt stop --now: ${what}`;
  return `${stop.signal ?? 'signal'} received; ${what}`;
}

/** Without the runtime's record of the ending (a model run): what the machine itself did. */
function modelEnding(s: MachineState): string {
  const how = (s.child?.killed ?? s.killedLast) ? 'was killed (SIGKILL)' : 'was stopped gracefully';
  const ran = s.child !== null || s.iteration > s.firstIteration;
  return ran ? `the child ${how}` : 'no child was running';
}

const WAIT_ENDS: Record<Waited['ended'], string> = {
  'action-ended': 'it ended',
  'grace-expired': '--action-grace ran out',
  escalated: 'a second request did not wait',
  'child-exited': 'the child exited',
  timeout: 'a timeout did not wait',
  'write-failed': 'a write failed',
};

/** A stop's message, with what it waited for. */
export const withWaited = (text: string, w: Waited | null): string =>
  w ? `${text}; waited ${formatDuration(w.ms)} for action ${JSON.stringify(w.action)} to end (${WAIT_ENDS[w.ended]})` : text;

/** What happens after a halt: only a person's resume, or a probe on its own (--probe-after). */
export function untilWhen(l: Latch, cfg: MachineConfig): string {
  const resume = resumeCommand(cfg.stateDir ?? '.');
  if (!canProbe(l, cfg)) return `The job will not start again until: ${resume}`;
  const { dueAt, cooldownMs } = probePlan(l, cfg);
  const after = `${formatDuration(cooldownMs)} (at ${isoOf(dueAt)}, --probe-after)`;
  const when = cfg.mode === 'once' ? `at the first start after ${after}` : `in ${after}, on its own`;
  return `A probe will try one run ${when}; to clear the halt sooner: ${resume}`;
}
