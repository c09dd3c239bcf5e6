// The file system proper-lockfile uses: node:fs, with two changes.
// - Its lock directories are made 0700 like every directory of a job (its own mkdir leaves them
//   0755 under umask 022).
// - The calls it makes (mkdir, stat, utimes, rmdir, realpath) run synchronously, their callbacks on
//   the next tick: node:fs's callback API runs each call on libuv's thread pool, whose four threads
//   are started by the first one (an idle wrapper carried them, ~0.5 MiB of malloc arenas and stacks,
//   and each lock refresh woke one of them). Every other state write of ours is synchronous already;
//   these are as short (a local directory's inode).
import fs from 'node:fs';

type Callback = (err: NodeJS.ErrnoException | null, value?: unknown) => void;

/** `call` now, its outcome handed to the callback (the last argument) on the next tick. */
function deferred(call: (...args: never[]) => unknown) {
  return (...args: unknown[]) => {
    const cb = args.pop() as Callback;
    let value: unknown;
    try {
      value = (call as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      return process.nextTick(cb, e as NodeJS.ErrnoException);
    }
    process.nextTick(cb, null, value);
  };
}

// node:fs itself as the prototype, not a copy: spreading it reads every property, fs.promises too,
// which loads the promise API and readline (~2 ms of every command that imports this).
export const lockFs: typeof fs = Object.assign(Object.create(fs) as typeof fs, {
  mkdir: deferred((dir: string) => void fs.mkdirSync(dir, { mode: 0o700 })),
  stat: deferred((file: string) => fs.statSync(file)),
  utimes: deferred((file: string, atime: Date, mtime: Date) => fs.utimesSync(file, atime, mtime)),
  rmdir: deferred((dir: string) => fs.rmdirSync(dir)),
  realpath: deferred((file: string) => fs.realpathSync(file)),
});
