// The one-line human status of a transition, as systemd shows it (`systemctl status`, STATUS=).
import { resumeCommand } from '../policy/stop-report.ts';
import { formatDuration } from '../util/duration.ts';
import type { Snapshot } from '../supervisor/bus.ts';

/** "; 2 failures in a row, 5 in all (last: transport)", or nothing while all is well. */
function failures(s: Snapshot): string {
  const m = s.memory;
  if (m.consecutiveFailures === 0) return '';
  const last = m.lastExit?.cls ? ` (last: ${m.lastExit.cls})` : '';
  return `; ${m.consecutiveFailures} failure${m.consecutiveFailures === 1 ? '' : 's'} in a row, ${m.failures} in all${last}`;
}

const until = (s: Snapshot, nowMs: number) => formatDuration(s.nextStartAt ? Math.max(0, Date.parse(s.nextStartAt) - nowMs) : 0);

export function statusLine(s: Snapshot, stateDir: string, nowMs = Date.now()): string {
  switch (s.phase) {
    case 'starting':
      return 'starting';
    case 'running':
      if (s.detail === 'orphan') return `waiting for the previous child (pid ${s.childPid}) to exit`;
      if (s.detail === 'stalled') return `stalled: no heartbeat from iteration ${s.iteration} (pid ${s.childPid}); stopping it${failures(s)}`;
      return `running iteration ${s.iteration} (pid ${s.childPid})${failures(s)}`;
    case 'backoff':
      return `backoff: restarting in ${until(s, nowMs)}${s.detail ? ` (${s.detail})` : ''}${failures(s)}`;
    case 'waiting':
      return `waiting: iteration ${s.iteration} starts in ${until(s, nowMs)}`;
    case 'paused':
      return `paused${s.detail ? ` (${s.detail})` : ''}: safehalt resume to continue`;
    case 'stopping':
      return `stopping: ${s.detail ?? 'requested'}`;
    case 'stopped':
      return `stopped: ${s.detail ?? 'done'}`;
    case 'halted': {
      const l = s.memory.latch;
      return `HALTED ${s.detail ?? l?.reason}: ${l?.message ?? 'see stop-reason.json'}; to resume: ${resumeCommand(stateDir)}`;
    }
    default: {
      const unhandled: never = s.phase;
      return unhandled;
    }
  }
}
