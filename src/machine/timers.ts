// Timer events: the next start, the probe, and the timers of a running child (timeout, runtime
// budget, stall, min-uptime, the kill after --kill-timeout, the end of --action-grace).
import { markHealthy } from '../policy/memory.ts';
import { childStopSignal } from '../signals/signal-table.ts';
import { formatDuration } from '../util/duration.ts';
import { probeSucceeded } from './probe-end.ts';
import { boundary, runtimeTimer, usage } from './boundary.ts';
import { checkBudgets } from '../policy/budgets.ts';
import { EXIT } from '../exit-codes.ts';
import { halt } from './finish.ts';
import { prepend } from './run-end.ts';
import { endNow, releaseHold, signalChild } from './requests.ts';
import type { MachineConfig, MachineState, Now, Step, TimerName } from './types.ts';

const same = (s: MachineState): Step => ({ state: s, effects: [] });

export function onTimer(s: MachineState, timer: TimerName, now: Now, cfg: MachineConfig): Step {
  switch (timer) {
    case 'next-start':
      return s.phase === 'backoff' || s.phase === 'waiting' ? boundary(s, now, cfg) : same(s);
    case 'probe': {
      if (s.phase !== 'halted' || !s.memory.latch) return same(s);
      const reason = s.memory.latch.reason;
      return prepend([
        { type: 'event', name: 'probe', fields: { reason } },
        { type: 'log', level: 'info', text: `probing: one run to see whether the cause of ${reason} is gone` },
      ], boundary({ ...s, probing: true }, now, cfg));
    }
    case 'timeout':
      return s.phase === 'running' || s.phase === 'holding' ? endNow(unhold(s, now), cfg, 'timeout', 'SIGTERM') : same(s);
    case 'runtime':
      if (s.phase === 'backoff' || s.phase === 'waiting') return budgetBetweenRuns(s, now, cfg);
      return s.phase === 'running' || s.phase === 'holding' ? endNow(unhold(s, now), cfg, 'budget', 'SIGTERM') : same(s);
    case 'stall':
      return s.phase === 'running' ? endNow(s, cfg, 'stalled', 'SIGTERM') : same(s);
    case 'min-uptime': {
      if (s.phase !== 'running' && s.phase !== 'holding') return same(s);
      // Up for --min-uptime: the consecutive count resets, and a probe has succeeded. A run that was
      // healthy already records only its last success: a failed write of that is a warning.
      const strict = s.memory.consecutiveFailures > 0 || s.probing;
      const healthy = markHealthy(s.memory, now);
      const save = { type: 'save-memory' as const, memory: healthy, ...(strict ? {} : { warn: 'state.json not updated with the last success' }) };
      if (!s.probing) return { state: { ...s, memory: healthy }, effects: [save] };
      const ok = probeSucceeded({ ...s, memory: healthy }, `the child stayed up for ${formatDuration(cfg.minUptimeMs)}`, now);
      return { state: ok.state, effects: [save, ...ok.effects] };
    }
    case 'kill':
      if (s.phase !== 'stopping' || !s.child) return same(s);
      return {
        state: { ...s, child: { ...s.child, killed: true } },
        effects: [
          { type: 'log', level: 'warn', text: `the child did not exit within ${formatDuration(cfg.killTimeoutMs)} (--kill-timeout): sending SIGKILL to its process group` },
          { type: 'event', name: 'killed', fields: { signal: 'SIGKILL', why: 'kill-timeout', pid: s.child.pid } },
          ...signalChild(s, 'SIGKILL'),
        ],
      };
    case 'action-grace': {
      if (s.phase !== 'holding') return same(s);
      const text = `the action in flight did not end within --action-grace (${cfg.actionGraceMs}ms); stopping the child`;
      return endNow(releaseHold(s, now, 'grace-expired'), cfg, 'stopped', childStopSignal(s.stop?.signal ?? undefined), [{ type: 'log', level: 'warn', text }]);
    }
    default:
      return unreachable(timer);
  }
}

/** --max-runtime reached in a backoff or an interval: the halt comes now, not at the next start. */
function budgetBetweenRuns(s: MachineState, now: Now, cfg: MachineConfig): Step {
  const trip = checkBudgets({ ...usage(s, now), restarts: 0 }, cfg);
  // The timer's clock may run a hair ahead of the machine's: look again rather than start early.
  if (!trip) return { state: s, effects: runtimeTimer(s, now, cfg) };
  return prepend([{ type: 'cancel', timer: 'next-start' }], halt(s, trip, EXIT.HALT_BUDGET, now, cfg));
}

/** --timeout and --max-runtime do not wait for an action in flight; a hold they cut short is told. */
const unhold = (s: MachineState, now: Now) => (s.phase === 'holding' ? releaseHold(s, now, 'timeout') : s);

function unreachable(t: never): never {
  throw new Error(`unhandled timer ${String(t)}`);
}
