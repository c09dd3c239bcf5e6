// SIGTERM/SIGINT: stop gracefully (forwarded to the child's group at once); a second one escalates
// to SIGKILL. SIGHUP is forwarded. Handlers are removed at teardown.
import type { Plugin } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';

export function attachSignalHandlers(job: Job, forwardHup: (sig: NodeJS.Signals) => void): Plugin {
  const stop = (sig: NodeJS.Signals) => {
    if (job.controls.signalCount > 0) job.log.warn(`${sig} again: killing the child now`);
    else job.log.info(`${sig} received: stopping the child gracefully`);
    job.controls.requestStop({ kind: 'SIGNAL', now: true, signal: sig });
  };
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  const onHup = () => forwardHup('SIGHUP');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  return {
    dispose() {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
    },
  };
}
