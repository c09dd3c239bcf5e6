// The closed set of stop reasons: exit code, one-line meaning, and what to do next.
import { EXIT } from '../exit-codes.ts';

export const STOP_REASONS = {
  COMPLETED: { exit: EXIT.OK, means: 'the job finished its work (loop --max-iterations, or a service that exited 0 with --restart on-failure)', next: 'nothing to do' },
  STOP_FILE: { exit: EXIT.OK, means: 'a stop file was present', next: 'safehalt resume (removes the stop file), then start the job' },
  SIGNAL: { exit: EXIT.OK, means: 'a stop signal (SIGTERM, SIGINT, SIGQUIT, ...) was handled: the child was stopped, with SIGKILL if it outlived --kill-timeout', next: 'start the job again when wanted' },
  USER_KILLED: { exit: EXIT.OK, means: 'safehalt stop --now terminated the child', next: 'safehalt resume, then start the job' },
  USER_PAUSED: { exit: EXIT.PAUSED, means: 'the job is paused (.pause)', next: 'safehalt resume' },
  FAILURE_SPIKE: { exit: EXIT.HALT_FAILURES, means: 'failures spiked within a window', next: 'fix the cause, then safehalt resume --reason "..."' },
  RETRY_LIMIT_REACHED: { exit: EXIT.HALT_FAILURES, means: 'too many consecutive failures', next: 'fix the cause, then safehalt resume --reason "..."' },
  BUDGET_EXCEEDED: { exit: EXIT.HALT_BUDGET, means: 'a budget (restarts, runtime, cost) is used up', next: 'raise the budget or accept the spend, then safehalt resume --reason "..."' },
  NO_PROGRESS: { exit: EXIT.HALT_PROGRESS, means: 'iterations ran but the progress token did not change', next: 'find why the job is stuck, then safehalt resume --reason "..."' },
  LOOP_DETECTED: { exit: EXIT.HALT_PROGRESS, means: 'the progress tokens repeat a cycle', next: 'find why the job loops, then safehalt resume --reason "..."' },
  TIMEOUT: { exit: EXIT.TIMEOUT, means: 'once mode: the run took longer than --timeout and was stopped', next: 'look at why the run was slow' },
  HALT_LATCHED: { exit: EXIT.LATCHED, means: 'a halt from an earlier run is latched; the child was not started', next: 'safehalt status, fix the cause, then safehalt resume --reason "..."' },
} as const;

export type StopReason = keyof typeof STOP_REASONS;

export function haltExitCode(reason: StopReason): number {
  return STOP_REASONS[reason].exit;
}
