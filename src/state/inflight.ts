// inflight.json: written (durably) before each run starts and removed after it ends. Left behind, it
// tells the next wrapper that a run was cut off, which iteration, and which child may still live.
// It is replaced, not removed, by the next start: until a child has heard of an interruption, the
// checkpoints carry it, so a wrapper that dies in between never loses it.
import { writeFailed, writeJson } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readChecked, removeIfPresent } from './read-trusted.ts';
import { count, nullable, num, oneOf, optional, shape, str } from './validate.ts';

/** An interrupted iteration (and the action in flight then) that the next child is told of. */
export interface Interruption {
  iteration: number;
  action: string | null;
}

export interface Inflight {
  schema: 1;
  iteration: number;
  pid: number | null;
  pidStartTime: string | null;
  wrapperPid: number;
  startedAt: string;
  command: string;
  /** Carried from an earlier interruption while no child of this checkpoint has started. */
  interrupted?: Interruption | null;
}

const check = shape({
  schema: oneOf(1),
  iteration: count,
  pid: nullable(num),
  pidStartTime: nullable(str(32)),
  wrapperPid: num,
  startedAt: str(64),
  command: str(1 << 16),
  interrupted: optional(nullable(shape({ iteration: count, action: nullable(str(1024)) }))),
});

export const readInflight = (stateDir: string) => readChecked<Inflight>(filePath(stateDir, 'inflight'), check);

export const writeInflight = (stateDir: string, i: Inflight) => writeJson(filePath(stateDir, 'inflight'), i, { durable: true });

export function clearInflight(stateDir: string): void {
  try {
    removeIfPresent(filePath(stateDir, 'inflight'));
  } catch (e) {
    throw writeFailed(filePath(stateDir, 'inflight'), e);
  }
}
