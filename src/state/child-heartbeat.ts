// child-heartbeat.json: what the child last said through `safehalt heartbeat` (progress token, step,
// cumulative cost, an external action in flight), and the pulse file it may touch instead.
import { closeSync, constants, fchmodSync, openSync, statSync } from 'node:fs';
import { writeFailed, writeJson } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readChecked } from './read-trusted.ts';
import { nullable, num, oneOf, optional, shape, str, count } from './validate.ts';

export const CHILD_HEARTBEAT_SCHEMA = 1;

export interface ChildHeartbeat {
  schema: number;
  time: string;
  pid: number | null;
  iteration: number | null;
  progress: string | null;
  step: string | null;
  cost: number;
  beats: number;
  action: { name: string; since: string } | null;
  /** The child asked for the next try to wait this long (`heartbeat --retry-after`, or `retry-after`
   * over SAFEHALT_FD); it holds for the record's `iteration` only. */
  retryAfterMs?: number | null;
}

const check = shape({
  schema: oneOf(CHILD_HEARTBEAT_SCHEMA),
  time: str(64),
  pid: nullable(num),
  iteration: nullable(num),
  progress: nullable(str(1024)),
  step: nullable(str(1024)),
  cost: num,
  beats: count,
  action: nullable(shape({ name: str(1024), since: str(64) })),
  retryAfterMs: optional(nullable(count)),
  _: optional(str()),
});

export const readChildHeartbeat = (stateDir: string) => readChecked<ChildHeartbeat>(filePath(stateDir, 'childHeartbeat'), check);

/** Forget the action in flight, once the interruption that names it is checkpointed. */
export async function clearChildAction(stateDir: string): Promise<void> {
  const hb = readChildHeartbeat(stateDir);
  if (hb?.action) await writeJson(filePath(stateDir, 'childHeartbeat'), { ...hb, action: null }, { durable: true });
}

/** Create the pulse file 0600 before the child may touch it: a `touch` under umask 022 would make it 0644. */
export function preparePulseFile(stateDir: string): void {
  const file = filePath(stateDir, 'childPulse');
  try {
    // O_NONBLOCK: a FIFO planted here fails (ENXIO, exit 78) instead of blocking the wrapper.
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
    try {
      fchmodSync(fd, 0o600);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw writeFailed(file, e); // one line naming the file, exit 78
  }
}

/** The retry-after the child reported during `iteration`, or null. */
export function childRetryAfterMs(stateDir: string, iteration: number): number | null {
  const hb = readChildHeartbeat(stateDir);
  return hb && hb.iteration === iteration && typeof hb.retryAfterMs === 'number' ? hb.retryAfterMs : null;
}

/** Milliseconds since the epoch of the child's last sign of life (pulse file or heartbeat command). */
export function lastPulseMs(stateDir: string): number | null {
  try {
    return statSync(filePath(stateDir, 'childPulse')).mtimeMs;
  } catch {
    return null;
  }
}
