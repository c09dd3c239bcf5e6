// Waiting that any interrupt cuts short: a timer tied to an AbortSignal, never polling.

export type WaitResult = 'elapsed' | 'interrupted';

export function sleep(ms: number, signal: AbortSignal): Promise<WaitResult> {
  if (signal.aborted) return Promise.resolve('interrupted');
  return new Promise((resolve) => {
    const done = (r: WaitResult) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = () => done('interrupted');
    const timer = setTimeout(() => done('elapsed'), Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Wait until aborted. */
export const forever = (signal: AbortSignal): Promise<WaitResult> => sleep(2 ** 31 - 1, signal).then((r) => (r === 'elapsed' ? forever(signal) : r));
