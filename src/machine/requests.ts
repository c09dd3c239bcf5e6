// Requests from outside while the job runs (signals, stop and pause files, the child's action in
// flight) and how a running child is ended: at once, or after the action in flight (--action-grace).
import { formatDuration } from '../util/duration.ts';
import { enter } from './finish.ts';
import type { Child, Effect, MachineConfig, MachineState, Now, Step, Stop } from './types.ts';

const live = (s: MachineState): boolean => s.child !== null && (s.phase === 'running' || s.phase === 'holding' || s.phase === 'stopping');

/** The one way a signal reaches the child: its group, only while it runs, never pid 1 or below. */
export function signalChild(s: MachineState, signal: NodeJS.Signals): Effect[] {
  if (!live(s) || s.child!.pid <= 1) return [];
  return [{ type: 'signal-group', pid: s.child!.pid, signal }];
}

/** The first reason wins; a later one may only make it more urgent. */
export const withStop = (s: MachineState, r: Stop): MachineState => ({
  ...s,
  stop: s.stop ? { ...s.stop, now: s.stop.now || r.now, ...(s.stop.byNow || r.byNow ? { byNow: true } : {}) } : r,
});

/** Signal the child now and arm the SIGKILL after --kill-timeout. */
export function endNow(s: MachineState, cfg: MachineConfig, cause: NonNullable<Child['cause']>, signal: NodeJS.Signals, extra: Effect[] = []): Step {
  const child = { ...s.child!, cause: s.child!.cause ?? cause };
  const next = { ...s, child, holdSinceMono: null };
  return enter(next, 'stopping', [...extra, { type: 'cancel', timer: 'action-grace' }, ...signalChild(next, signal), { type: 'arm', timer: 'kill', ms: cfg.killTimeoutMs }]);
}

/** SIGKILL to the group at once: escalation, or stop --now in service mode. */
export function killNow(s: MachineState, why: string): Step {
  const next = { ...s, child: { ...s.child!, cause: s.child!.cause ?? 'stopped', killed: true } };
  return enter(next, 'stopping', [
    { type: 'event', name: 'killed', fields: { signal: 'SIGKILL', why: 'escalation', pid: s.child!.pid } },
    ...signalChild(next, 'SIGKILL'),
    { type: 'cancel', timer: 'kill' },
    { type: 'event', name: 'escalated', fields: { why, signal: 'SIGKILL' } },
  ]);
}

/** A graceful stop of a running child: held while its action is in flight, up to --action-grace. */
export function endGracefully(s: MachineState, now: Now, cfg: MachineConfig, signal: NodeJS.Signals): Step {
  if (s.phase !== 'running') return { state: s, effects: [] };
  if (s.action && cfg.actionGraceMs > 0) {
    const text = `waiting up to ${formatDuration(cfg.actionGraceMs)} for action ${JSON.stringify(s.action.name)} to end before stopping the child`;
    const detail = `waiting for action ${JSON.stringify(s.action.name)} (up to ${formatDuration(cfg.actionGraceMs)})`;
    return enter({ ...s, holdSinceMono: now.mono }, 'holding', [
      { type: 'log', level: 'info', text },
      { type: 'event', name: 'holding', fields: { action: s.action.name, graceMs: cfg.actionGraceMs } },
      { type: 'arm', timer: 'action-grace', ms: cfg.actionGraceMs },
    ], detail);
  }
  return endNow(s, cfg, 'stopped', signal);
}

/** The hold ends: the action ended, the grace expired, or a second request would not wait. */
export function releaseHold(s: MachineState, now: Now, ended: NonNullable<MachineState['waited']>['ended']): MachineState {
  const waited = { action: s.action?.name ?? '?', ms: Math.round(now.mono - (s.holdSinceMono ?? now.mono)), ended };
  return { ...s, waited };
}
