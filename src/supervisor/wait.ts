// Waiting that any interrupt cuts short: the long-timer helper's sleep, tied to an AbortSignal.
export { forever, sleep, type WaitResult } from '../util/long-timer.ts';
