// Start the command in its own process group (its own session), stderr teed through a bounded tail,
// and a report descriptor (REPORT_FD, $SAFEHALT_FD in the child) that the wrapper reads.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ownGroup } from './group-signal.ts';
import { forkCount } from './proc.ts';
import { StderrTail } from './stderr-tail.ts';
import { EXIT } from '../exit-codes.ts';

/** The child's descriptor number of its report stream (stdio index 3). */
export const REPORT_FD = 3;

export interface ChildExit {
  code: number | null;
  signal: string | null;
}

export interface ChildHandle {
  pid: number;
  startedAtMs: number;
  exited: Promise<ChildExit>;
  tail(): string;
  /** The wrapper's read end of the report stream. */
  reports: Readable | null;
}

export interface SpawnSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Called with stderr bytes as they come, to forward them. */
  onStderr?: (chunk: Buffer) => void;
}

export type SpawnError = { error: string; code: number };

export function spawnChild(spec: SpawnSpec): ChildHandle | SpawnError {
  const tail = new StderrTail();
  let child;
  const forksBefore = forkCount(); // lets the session scan skip older pids (proc.ts)
  try {
    child = spawn(spec.command, spec.args, { env: spec.env, detached: true, stdio: ['inherit', 'inherit', 'pipe', 'pipe'] });
  } catch (e) {
    return { error: (e as Error).message, code: EXIT.NOT_FOUND };
  }
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      const msg = Buffer.from(`safehalt: cannot start ${spec.command}: ${e.code ?? e.message}\n`);
      tail.push(msg);
      spec.onStderr?.(msg);
      resolve({ code: e.code === 'ENOENT' ? EXIT.NOT_FOUND : EXIT.CANNOT_EXECUTE, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    tail.push(chunk);
    spec.onStderr?.(chunk);
  });
  const pid = child.pid ?? -1;
  // Registered before anything can signal it; a spawn that failed has no pid and no group.
  ownGroup(child.pid, forksBefore);
  return {
    pid,
    startedAtMs: Date.now(),
    exited,
    tail: () => tail.text(),
    reports: (child.stdio[REPORT_FD] as Readable | null) ?? null,
  };
}
