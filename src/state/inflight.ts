// inflight.json: written (durably) before each run starts and removed after it ends. Left behind, it
// tells the next wrapper that a run was cut off, which iteration, and which child may still live.
// It is replaced, not removed, by the next start: until a child has heard of an interruption, the
// checkpoints carry it, so a wrapper that dies in between never loses it.
import { writeFailed, writeJson } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readChecked, removeIfPresent } from './read-trusted.ts';
import { clip } from '../util/clip.ts';
import { bool, count, nullable, num, oneOf, optional, shape, str } from './validate.ts';

/** An interrupted iteration (and the action in flight then) that the next child is told of. */
export interface Interruption {
  iteration: number;
  action: string | null;
}

export interface Inflight {
  schema: 1;
  iteration: number;
  pid: number | null;
  /** null: not known, and then the pid is never taken for the child (pids are reused). */
  pidStartTime: string | null;
  /** The child had already exited when its start time was read (it is nobody's orphan). */
  pidExited?: boolean;
  /** The boot and pid namespace the pids belong to. */
  boot?: string;
  pidns?: string;
  wrapperPid: number;
  wrapperStartTime?: string | null;
  startedAt: string;
  /** The command line, clipped to COMMAND_MAX characters (a marker says how much was left out). */
  command: string;
  /** Carried from an earlier interruption while no child of this checkpoint has started. */
  interrupted?: Interruption | null;
}

const check = shape({
  schema: oneOf(1),
  iteration: count,
  pid: nullable(num),
  pidStartTime: nullable(str(32)),
  pidExited: optional(bool),
  boot: optional(str(64)),
  pidns: optional(str(64)),
  wrapperPid: num,
  wrapperStartTime: optional(nullable(str(32))),
  startedAt: str(64),
  // Older wrappers wrote the whole command line, up to 64 Ki characters: still read.
  command: str(1 << 16),
  interrupted: optional(nullable(shape({ iteration: count, action: nullable(str(1024)) }))),
});

export const readInflight = (stateDir: string) => readChecked<Inflight>(filePath(stateDir, 'inflight'), check);

/** Longest command line kept in a checkpoint: what the writer writes, the reader accepts. */
export const COMMAND_MAX = 4096;

export const writeInflight = (stateDir: string, i: Inflight) =>
  writeJson(filePath(stateDir, 'inflight'), { ...i, command: clip(i.command, COMMAND_MAX) }, { durable: false });

export function clearInflight(stateDir: string): void {
  try {
    removeIfPresent(filePath(stateDir, 'inflight'));
  } catch (e) {
    throw writeFailed(filePath(stateDir, 'inflight'), e);
  }
}
