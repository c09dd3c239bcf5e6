// Which failure records the memory keeps: the last FAILURE_RING of all (the stop report, status,
// --max-failures), and for each class a --spike rule counts, the last N of that class. An older
// record can never change a rule's answer: whenever it is inside a window, the N newer matching
// records are too, so the rule has tripped without it.
import type { SpikeRule } from './config.ts';
import type { FailureRecord } from './memory.ts';

/** N of a window rule is at most this (cli/parse-values.ts refuses more). */
export const FAILURE_RING = 50;
/** --spike rules a job may have (each keeps up to FAILURE_RING records of its class). */
export const MAX_SPIKE_RULES = 32;
/** The bound state.json is checked against. */
export const RECENT_MAX = FAILURE_RING * (MAX_SPIKE_RULES + 1);

export function retain(recent: FailureRecord[], spikes: readonly SpikeRule[]): FailureRecord[] {
  const need = new Map<string, number>();
  for (const s of spikes) if (s.count > 0) need.set(s.cls, Math.max(need.get(s.cls) ?? 0, s.count));
  const seen = new Map<string, number>();
  const keep = recent.map(() => false);
  for (let i = recent.length - 1; i >= 0; i--) {
    const cls = recent[i].cls;
    const newer = (seen.get(cls) ?? 0) + 1;
    seen.set(cls, newer);
    keep[i] = recent.length - i <= FAILURE_RING || newer <= (need.get(cls) ?? 0);
  }
  return recent.filter((_, i) => keep[i]).slice(-RECENT_MAX);
}
