// The real clock: CLOCK_MONOTONIC through process.hrtime and this boot's id from /proc.
import { readBoundedText } from './read-bounded.ts';
import type { Clock, Stamp } from '../policy/clock.ts';

let bootId: string | undefined;

export function currentBootId(): string {
  if (bootId === undefined) {
    try {
      bootId = readBoundedText('/proc/sys/kernel/random/boot_id', { maxBytes: 64 })?.trim() || 'unknown';
    } catch {
      bootId = 'unknown';
    }
  }
  return bootId;
}

export const systemClock: Clock = {
  now(): Stamp {
    return { mono: Number(process.hrtime.bigint() / 1_000_000n), boot: currentBootId(), wall: Date.now() };
  },
};
