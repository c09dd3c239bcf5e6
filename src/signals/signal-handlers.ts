// Signal handlers, attached before anything else `run` does (a signal while waiting for the lock or
// for an orphan is handled too) and removed at teardown. What each signal means is the machine's
// (src/machine/on-request.ts, after src/signals/signal-table.ts); here each is said in one line and
// handed on: to the sink, which is the machine once it runs.
import type { Logger } from '../log/logger.ts';
import type { Plugin } from '../supervisor/bus.ts';
import { FORWARDED_SIGNALS, STOP_SIGNALS, childStopSignal } from './signal-table.ts';

export interface SignalSink {
  /** The running child of ours, or null (for the words only). */
  childPid(): number | null;
  stop(sig: NodeJS.Signals): void;
  /** Pass it on to the child's group: false when no child of ours runs. */
  forward(sig: NodeJS.Signals): boolean;
}

export function attachSignalHandlers(log: Logger, sink: SignalSink): Plugin {
  let stops = 0;
  const stop = (sig: NodeJS.Signals) => {
    const pid = sink.childPid();
    if (stops++ > 0) log.warn(pid !== null ? `${sig} again: killing the child now` : `${sig} again: already stopping`);
    else if (pid !== null) log.info(`${sig} received: stopping the child gracefully (${childStopSignal(sig)} to its process group)`);
    else log.info(`${sig} received: stopping`);
    sink.stop(sig);
  };
  const forward = (sig: NodeJS.Signals) => {
    if (sink.forward(sig)) log.info(`${sig} received: passed on to the child's process group`);
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
