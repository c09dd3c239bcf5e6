// process.stdout and process.stderr are streams Node builds on first use (~2-3 ms of a command's
// start each; for a pipe they load node:net); most short commands never touch them. Each is built
// on that use here, and remembered, so that the exit can wait until what was written to them has
// left: to a pipe they write asynchronously once it is full (the kept output of a --quiet run, 256
// KiB, written just before the wrapper exits), and process.exit() drops what is still queued.
import { after } from '../util/long-timer.ts';

const built = new Set<NodeJS.WriteStream>();

/** Build `name` on first use, with `prepare` applied once. */
function lazily(name: 'stdout' | 'stderr', prepare: (s: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  const build = own?.get;
  if (!own || !build || !own.configurable) {
    built.add(process[name]);
    return prepare(process[name]);
  }
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable,
    get() {
      const stream = build.call(process) as NodeJS.WriteStream;
      Object.defineProperty(process, name, { configurable: true, enumerable: own.enumerable, writable: false, value: stream });
      built.add(stream);
      prepare(stream);
      return stream;
    },
  });
}

/** Called once by src/entry.ts, before anything is written. A reader of stderr that goes away
 * (`2>&1 | head -1`, journald restarted) must never end the wrapper: EPIPE on it is swallowed. */
export function lazyStdio(): void {
  lazily('stdout', () => undefined);
  lazily('stderr', (s) => s.on('error', () => undefined));
}

/** null when nothing is left to write; else resolves once every stream built has nothing left to
 * write (or is gone), or after `maxMs`: a reader that stopped reading never holds the exit longer. */
export function stdioDrained(maxMs: number): Promise<void> | null {
  const pending = [...built].filter((s) => !s.destroyed && s.writableLength > 0);
  if (pending.length === 0) return null;
  return new Promise((resolve) => {
    const cancel = after(maxMs, resolve);
    let left = pending.length;
    const one = () => {
      if (--left === 0) {
        cancel();
        resolve();
      }
    };
    for (const s of pending) {
      const done = () => {
        s.off('drain', done).off('close', done).off('error', done);
        one();
      };
      s.once('drain', done).once('close', done).once('error', done);
    }
  });
}
