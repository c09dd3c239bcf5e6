// Timers of any length the duration parser accepts (up to a year). Node's setTimeout holds at most
// 2^31-1 ms (24.8 days) and fires after 1 ms above that (with a TimeoutOverflowWarning), so a long
// wait is a chain of timers no longer than that, towards a deadline on the monotonic clock. Every
// timer can belong to an AbortSignal; every timer in src/ goes through here.

export type WaitResult = 'elapsed' | 'interrupted';

/** The longest single Node timer. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Where time and timers come from: injected so that tests can shorten the chunk or use virtual time. */
export interface Scheduler {
  /** Monotonic milliseconds. */
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  /** Longest single timer (MAX_TIMER_MS unless a test makes it shorter). */
  chunkMs: number;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
  chunkMs: MAX_TIMER_MS,
};

export type Cancel = () => void;

export interface TimerOptions {
  signal?: AbortSignal;
  scheduler?: Scheduler;
}

/** Call `fn` once, `ms` from now (Infinity: never); cancelled by the returned function or the signal. */
export function after(ms: number, fn: () => void, opts: TimerOptions = {}): Cancel {
  const s = opts.scheduler ?? realScheduler;
  const { signal } = opts;
  if (signal?.aborted) return () => {};
  const chunk = Math.max(1, Math.min(s.chunkMs, MAX_TIMER_MS));
  const deadline = s.now() + (Number.isNaN(ms) ? 0 : Math.max(0, ms));
  let handle: unknown = null;
  const cancel = () => {
    if (handle !== null) s.clear(handle);
    handle = null;
    signal?.removeEventListener('abort', cancel);
  };
  const arm = (left: number) => {
    handle = s.set(tick, Math.min(Math.ceil(left), chunk));
  };
  // Node's timers run on a millisecond loop clock: under 1 ms left is due, not one more wake-up.
  const tick = () => {
    const left = deadline - s.now();
    if (left >= 1) return arm(left);
    cancel();
    fn();
  };
  signal?.addEventListener('abort', cancel, { once: true });
  arm(Math.max(0, deadline - s.now()));
  return cancel;
}

/** Call `fn` every `ms` (at least 1 ms apart), measured from each call, until cancelled or aborted. */
export function every(ms: number, fn: () => void, opts: TimerOptions = {}): Cancel {
  let live = true;
  let current: Cancel = () => {};
  const next = () => {
    current = after(Math.max(1, ms), () => {
      if (!live) return;
      next();
      fn();
    }, opts);
  };
  next();
  return () => {
    live = false;
    current();
  };
}

/** Wait `ms` (Infinity: until aborted); an abort cuts it short with 'interrupted'. */
export function sleep(ms: number, signal: AbortSignal, scheduler?: Scheduler): Promise<WaitResult> {
  if (signal.aborted) return Promise.resolve('interrupted');
  return new Promise((resolve) => {
    const onAbort = () => resolve('interrupted');
    signal.addEventListener('abort', onAbort, { once: true });
    after(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve('elapsed');
    }, { signal, scheduler });
  });
}

/** Wait until aborted. */
export const forever = (signal: AbortSignal): Promise<WaitResult> => sleep(Infinity, signal);
