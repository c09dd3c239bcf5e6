// safehalt as PID 1 (a container entrypoint without an init): the kernel hands every orphaned
// process of the job to PID 1 to reap, and Node.js reaps only the children it spawned itself, so
// orphans would stay zombies until the container ends. Reaping them needs waitpid(-1), which Node
// does not offer without a native addon; safehalt warns instead and the docs say to run an init
// (docker run --init, tini, Kubernetes shareProcessNamespace). SIGTERM is handled either way.
import type { Logger } from '../log/logger.ts';

export const PID1_WARNING =
  'running as PID 1 without an init: orphaned processes of the job will not be reaped and stay zombies. ' +
  'Run safehalt under an init: docker run --init, tini as the entrypoint, or shareProcessNamespace: true in a Kubernetes pod (see man safehalt, CONTAINERS)';

/** Warns once when this process is PID 1 of its PID namespace. */
export function warnIfPid1(log: Logger, pid: number = process.pid): boolean {
  if (pid !== 1) return false;
  log.warn(PID1_WARNING);
  return true;
}
