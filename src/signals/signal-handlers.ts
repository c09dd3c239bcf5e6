// Signal handlers, attached before anything else `run` does (a signal while waiting for the lock or
// for an orphan is handled too) and removed at teardown. A stop signal records a stop request (the
// loop ends the child first, then writes the stop reason); a second one escalates to SIGKILL. The
// forwarded ones go to the child's process group through the one guarded signaller.
import { signalGroup } from '../child/group-signal.ts';
import type { Logger } from '../log/logger.ts';
import type { Controls } from '../supervisor/controls.ts';
import type { Plugin } from '../supervisor/bus.ts';
import { FORWARDED_SIGNALS, STOP_SIGNALS, childStopSignal } from './signal-table.ts';

export function attachSignalHandlers(controls: Controls, log: Logger, childPid: () => number | null): Plugin {
  const stop = (sig: NodeJS.Signals) => {
    const pid = childPid();
    if (controls.signalCount > 0) log.warn(pid !== null ? `${sig} again: killing the child now` : `${sig} again: already stopping`);
    else if (pid !== null) log.info(`${sig} received: stopping the child gracefully (${childStopSignal(sig)} to its process group)`);
    else log.info(`${sig} received: stopping`);
    controls.requestStop({ kind: 'SIGNAL', now: true, signal: sig });
  };
  const forward = (sig: NodeJS.Signals) => {
    const pid = childPid();
    if (pid !== null && signalGroup(pid, sig)) log.info(`${sig} received: passed on to the child's process group`);
    else log.info(`${sig} received: no child is running; ignored`);
  };
  const handlers = new Map<NodeJS.Signals, () => void>();
  // V8's CPU profiler (node --cpu-prof bin/safehalt, for docs/PERFORMANCE.md) runs on SIGPROF.
  const profiling = process.execArgv.some((a) => /^--(cpu-)?prof\b/.test(a));
  for (const sig of STOP_SIGNALS) if (!(profiling && sig === 'SIGPROF')) handlers.set(sig, () => stop(sig));
  for (const sig of FORWARDED_SIGNALS) handlers.set(sig, () => forward(sig));
  for (const [sig, fn] of handlers) process.on(sig, fn);
  return {
    dispose() {
      for (const [sig, fn] of handlers) process.off(sig, fn);
    },
  };
}
