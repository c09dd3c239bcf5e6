// Start the command in its own process group (its own session), stderr teed through a bounded tail;
// stdout inherited, or captured too (--quiet, json logs) into the same sink, in arrival order; and a
// report descriptor (REPORT_FD, $SAFEHALT_FD in the child) that the wrapper reads.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ownGroup } from './group-signal.ts';
import { forkCount } from './proc.ts';
import { StderrTail } from './stderr-tail.ts';
import { EXIT } from '../exit-codes.ts';
import { after } from '../util/long-timer.ts';
import type { OutputSink } from './output.ts';

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
  /** After the exit: the last of the output has been read and the sink ended. */
  outputDone: Promise<void>;
  tail(): string;
  /** The wrapper's read end of the report stream. */
  reports: Readable | null;
}

export interface SpawnSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Receives stderr (and stdout when captured) as it comes. */
  sink?: OutputSink;
  /** Pipe stdout into the sink too; otherwise the child writes to our stdout itself. */
  captureStdout?: boolean;
}

/** How long after the exit the pipes are read for the child's last output. */
const DRAIN_MS = 200;

export type SpawnError = { error: string; code: number };

export function spawnChild(spec: SpawnSpec): ChildHandle | SpawnError {
  const tail = new StderrTail();
  let child;
  const forksBefore = forkCount(); // lets the session scan skip older pids (proc.ts)
  try {
    child = spawn(spec.command, spec.args, { env: spec.env, detached: true, stdio: ['inherit', spec.captureStdout ? 'pipe' : 'inherit', 'pipe', 'pipe'] });
  } catch (e) {
    return { error: (e as Error).message, code: EXIT.NOT_FOUND };
  }
  let drained: Promise<unknown> = Promise.resolve();
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      const msg = Buffer.from(`safehalt: cannot start ${spec.command}: ${e.code ?? e.message}\n`);
      tail.push(msg);
      spec.sink?.write('stderr', msg);
      resolve({ code: e.code === 'ENOENT' ? EXIT.NOT_FOUND : EXIT.CANNOT_EXECUTE, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // The pipes may still hold the child's last bytes: read them, but a grandchild keeping a pipe
  // open must not hold the output back for long.
  const outputDone = exited
    .then(
      () =>
        new Promise<void>((resolve) => {
          const cancel = after(DRAIN_MS, resolve);
          void drained.then(() => (cancel(), resolve()));
        }),
    )
    .then(() => spec.sink?.end());
  child.stderr!.on('data', (chunk: Buffer) => {
    tail.push(chunk);
    spec.sink?.write('stderr', chunk);
  });
  child.stdout?.on('data', (chunk: Buffer) => spec.sink?.write('stdout', chunk));
  const pid = child.pid ?? -1;
  const ended = (s: NodeJS.ReadableStream | null) => (s ? new Promise<void>((r) => (s.once('end', r), s.once('error', r))) : undefined);
  drained = Promise.all([ended(child.stderr), ended(child.stdout)]);
  // Registered before anything can signal it; a spawn that failed has no pid and no group.
  ownGroup(child.pid, forksBefore);
  return {
    pid,
    startedAtMs: Date.now(),
    exited,
    outputDone,
    tail: () => tail.text(),
    reports: (child.stdio[REPORT_FD] as Readable | null) ?? null,
  };
}
