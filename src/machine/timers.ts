// Timer events: the next start, the probe, and the timers of a running child (timeout, runtime
// budget, stall, min-uptime, the kill after --kill-timeout, the end of --action-grace).
import { clearLatch, markHealthy } from '../policy/memory.ts';
import { boundary } from './boundary.ts';
import { endNow, releaseHold, signalChild } from './requests.ts';
import type { MachineConfig, MachineState, Now, Step, TimerName } from './types.ts';

const same = (s: MachineState): Step => ({ state: s, effects: [] });

export function onTimer(s: MachineState, timer: TimerName, now: Now, cfg: MachineConfig): Step {
  switch (timer) {
    case 'next-start':
      return s.phase === 'backoff' || s.phase === 'waiting' ? boundary(s, now, cfg) : same(s);
    case 'probe':
      if (s.phase !== 'halted' || !s.memory.latch) return same(s);
      return boundary({ ...s, probing: true }, now, cfg);
    case 'timeout':
      return s.phase === 'running' || s.phase === 'holding' ? endNow(unhold(s, now), cfg, 'timeout', 'SIGTERM') : same(s);
    case 'runtime':
      return s.phase === 'running' || s.phase === 'holding' ? endNow(unhold(s, now), cfg, 'budget', 'SIGTERM') : same(s);
    case 'stall':
      return s.phase === 'running' ? endNow(s, cfg, 'stalled', 'SIGTERM') : same(s);
    case 'min-uptime': {
      if (s.phase !== 'running' && s.phase !== 'holding') return same(s);
      // Up for --min-uptime: the consecutive count resets, and a probe has succeeded.
      let memory = markHealthy(s.memory);
      if (s.probing) memory = clearLatch(memory, now);
      const next = { ...s, memory, probing: false };
      return { state: next, effects: [{ type: 'save-memory', memory }, ...(s.probing ? [{ type: 'event' as const, name: 'resumed', fields: { by: 'probe', automatic: true } }] : [])] };
    }
    case 'kill':
      if (s.phase !== 'stopping' || !s.child) return same(s);
      return {
        state: { ...s, child: { ...s.child, killed: true } },
        effects: [...signalChild(s, 'SIGKILL'), { type: 'event', name: 'escalated', fields: { why: 'kill timeout', signal: 'SIGKILL' } }],
      };
    case 'action-grace': {
      if (s.phase !== 'holding') return same(s);
      const text = `the action in flight did not end within --action-grace (${cfg.actionGraceMs}ms); stopping the child`;
      return endNow(releaseHold(s, now, 'grace-expired'), cfg, 'stopped', s.stop?.signal ?? 'SIGTERM', [{ type: 'log', level: 'warn', text }]);
    }
    default:
      return unreachable(timer);
  }
}

/** --timeout and --max-runtime do not wait for an action in flight; a hold they cut short is told. */
const unhold = (s: MachineState, now: Now) => (s.phase === 'holding' ? releaseHold(s, now, 'timeout') : s);

function unreachable(t: never): never {
  throw new Error(`unhandled timer ${String(t)}`);
}
