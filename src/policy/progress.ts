// Progress tokens per iteration: "nothing moved for N iterations" and "the same cycle again and again".
import type { PolicyConfig } from './config.ts';
import type { Memory } from './memory.ts';
import type { Trip } from './rules.ts';

export const MAX_PERIOD = 4;
export const tokenRingSize = (loopRepeats: number) => Math.max(16, MAX_PERIOD * Math.max(loopRepeats, 1));

/** Append the token an iteration ended with (undefined: the child reported none, which counts as unchanged). */
export function recordToken(m: Memory, token: string | undefined, cfg: Pick<PolicyConfig, 'loopRepeats'>): Memory {
  const prev = m.progress.tokens.at(-1);
  const tok = token ?? prev ?? '';
  const unchanged = m.progress.tokens.length > 0 && tok === prev ? m.progress.unchanged + 1 : 0;
  const tokens = [...m.progress.tokens, tok].slice(-tokenRingSize(cfg.loopRepeats));
  return { ...m, progress: { tokens, unchanged } };
}

/** The shortest period p in 2..4 such that the last p*repeats tokens are `repeats` copies of one
 * block that is not a single repeated token; null when there is none. */
export function findCycle(tokens: readonly string[], repeats: number): number | null {
  if (repeats < 2) return null;
  for (let p = 2; p <= MAX_PERIOD; p++) {
    const n = p * repeats;
    if (tokens.length < n) break;
    const tail = tokens.slice(-n);
    const block = tail.slice(0, p);
    if (new Set(block).size < 2) continue;
    if (tail.every((t, i) => t === block[i % p])) return p;
  }
  return null;
}

export function checkProgress(m: Memory, cfg: Pick<PolicyConfig, 'noProgressAfter' | 'loopRepeats'>): Trip | null {
  const { tokens, unchanged } = m.progress;
  if (cfg.noProgressAfter > 0 && unchanged >= cfg.noProgressAfter)
    return {
      reason: 'NO_PROGRESS',
      rule: `no-progress-after ${cfg.noProgressAfter}`,
      message: `progress token ${JSON.stringify(tokens.at(-1))} unchanged for ${unchanged} iterations (limit ${cfg.noProgressAfter})`,
    };
  const p = cfg.loopRepeats > 0 ? findCycle(tokens, cfg.loopRepeats) : null;
  if (p !== null)
    return {
      reason: 'LOOP_DETECTED',
      rule: `loop-repeats ${cfg.loopRepeats}`,
      message: `progress tokens repeat the cycle ${JSON.stringify(tokens.slice(-p))} ${cfg.loopRepeats} times`,
    };
  return null;
}
