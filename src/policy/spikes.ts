// The spike rules in force: the built-in default for each built-in class, with the user's --spike
// rules added. A user rule for a class replaces that class's default (so a default can be loosened,
// or disabled with a count of 0); `--spike none` clears the defaults.
import type { SpikeRule } from './config.ts';
import { formatDuration } from '../util/duration.ts';

const MIN = 60_000;

/** Why these numbers (README, "Halt rules"): a refused connection that repeats is an outage; a rate
 * limit is waited out for longer (Retry-After is honoured) before it counts as one; a rejected key
 * or a missing program is never fixed by retrying, so the second one halts. */
export const DEFAULT_SPIKES: readonly SpikeRule[] = [
  { cls: 'transport', count: 3, withinMs: 2 * MIN },
  { cls: 'rate-limit', count: 4, withinMs: 15 * MIN },
  { cls: 'auth', count: 2, withinMs: 60 * MIN },
  { cls: 'exec', count: 2, withinMs: 60 * MIN },
];

export type SpikeFlag = SpikeRule | 'none';

export function spikeRules(flags: SpikeFlag[]): SpikeRule[] {
  const user = flags.filter((f) => f !== 'none');
  const defaults = flags.includes('none') ? [] : DEFAULT_SPIKES.filter((d) => !user.some((u) => u.cls === d.cls));
  return [...user, ...defaults];
}

export const formatSpike = (s: SpikeRule) => `${s.cls}:${s.count}/${formatDuration(s.withinMs)}`;
