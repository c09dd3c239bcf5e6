// inflight.json: written (durably) before each run starts and removed after it ends. Left behind, it
// tells the next wrapper that a run was cut off, which iteration, and which child may still live.
import { writeFailed, writeJson } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readChecked, removeIfPresent } from './read-trusted.ts';
import { count, nullable, num, oneOf, shape, str } from './validate.ts';

export interface Inflight {
  schema: 1;
  iteration: number;
  pid: number | null;
  pidStartTime: string | null;
  wrapperPid: number;
  startedAt: string;
  command: string;
}

const check = shape({
  schema: oneOf(1),
  iteration: count,
  pid: nullable(num),
  pidStartTime: nullable(str(32)),
  wrapperPid: num,
  startedAt: str(64),
  command: str(1 << 16),
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
