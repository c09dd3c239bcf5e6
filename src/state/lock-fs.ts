// The file system proper-lockfile uses, with one change: its lock directories are made 0700 like
// every directory of a job (its own mkdir leaves them 0755 under umask 022).
import fs from 'node:fs';

type MkdirCallback = (err: NodeJS.ErrnoException | null) => void;

// node:fs itself as the prototype, not a copy: spreading it reads every property, fs.promises too,
// which loads the promise API and readline (~2 ms of every command that imports this).
export const lockFs: typeof fs = Object.assign(Object.create(fs) as typeof fs, {
  mkdir: (dir: string, cb: MkdirCallback) => fs.mkdir(dir, { mode: 0o700 }, (err) => cb(err)),
});
