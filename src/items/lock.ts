// Serializing writers of one file: a proper-lockfile lock (a directory FILE.lock created with mkdir),
// held for the few milliseconds of one read-modify-write. The lock of a process that died holding it
// is taken over once LOCK_STALE_MS old; waiting callers retry well past that.
import { lockFs } from '../state/lock-fs.ts';
import { EXIT, UserError } from '../exit-codes.ts';

export const LOCK_STALE_MS = 5_000;
/** Retries with backoff from 2 ms to 50 ms: up to about 20 s, four times the stale window. */
const RETRIES = { retries: 420, factor: 1.25, minTimeout: 2, maxTimeout: 50, randomize: true };

export const lockPath = (file: string): string => `${file}.lock`;

/** Run `fn` holding the lock of `file` (its directory must exist). */
export async function withLock<T>(file: string, fn: () => T | Promise<T>): Promise<T> {
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    // Loaded here, not by every command that reads item records (~5 ms of a start).
    const { default: lockfile } = await import('proper-lockfile');
    release = await lockfile.lock(file, {
      realpath: false,
      fs: lockFs,
      lockfilePath: lockPath(file),
      stale: LOCK_STALE_MS,
      retries: RETRIES,
      onCompromised: (e) => {
        compromised = e;
      },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED')
      throw new UserError(`${lockPath(file)} has been held by another process for too long; if no safehalt item command is running, remove it (rmdir ${lockPath(file)}).`, EXIT.BUSY);
    throw e;
  }
  try {
    const out = await fn();
    if (compromised) throw new UserError(`lost the lock ${lockPath(file)} (${compromised.message}); run the command again.`, EXIT.BUSY);
    return out;
  } finally {
    await release().catch(() => undefined);
  }
}
