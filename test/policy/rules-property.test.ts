// Each halt rule trips exactly when its condition holds, for every N the parser accepts: the rules
// over the bounded memory (policy/ring.ts) against a model that forgets nothing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clearLatch, FAILURE_RING, freshMemory, recordFailure, recordSuccess, type Memory } from '../../src/policy/memory.ts';
import { checkFailureRules } from '../../src/policy/rules.ts';
import { windowCount } from '../../src/cli/parse-values.ts';
import { at, cfg, failure } from './helpers.ts';

type Step = { kind: 'fail'; cls: string; gap: number } | { kind: 'ok'; gap: number } | { kind: 'resume'; gap: number };

const CLASSES = ['transport', 'exit:1', 'timeout'];
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('fail' as const), cls: fc.constantFrom(...CLASSES), gap: fc.integer({ min: 0, max: 5_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ok' as const), gap: fc.integer({ min: 0, max: 5_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), gap: fc.integer({ min: 0, max: 60_000 }) }) },
);
/** Every N the parser accepts for a window rule (0 disables; checked below that the bound is the parser's). */
const n = fc.oneof(fc.constant(0), fc.constant(FAILURE_RING), fc.integer({ min: FAILURE_RING - 5, max: FAILURE_RING }), fc.integer({ min: 0, max: FAILURE_RING }));

interface Model {
  fails: { t: number; cls: string }[];
  from: number;
  consecutive: number;
}

/** What the rules must say, from the unbounded model, in the rules' order: spikes, max-failures, consecutive. */
function expected(mo: Model, now: number, c: ReturnType<typeof cfg>): string | null {
  const inWin = (w: number, cls?: string) => mo.fails.filter((f) => f.t >= mo.from && now - f.t <= w && (cls === undefined || f.cls === cls)).length;
  for (const s of c.spikes) if (s.count > 0 && inWin(s.withinMs, s.cls) >= s.count) return `spike ${s.cls}:${s.count}/`;
  if (c.maxFailures > 0 && inWin(c.withinMs) >= c.maxFailures) return `max-failures ${c.maxFailures} `;
  if (c.maxConsecutiveFailures > 0 && mo.consecutive >= c.maxConsecutiveFailures) return `max-consecutive-failures ${c.maxConsecutiveFailures}`;
  return null;
}

describe('halt rules against an unbounded model', () => {
  it('the parser accepts exactly 0..FAILURE_RING for a window rule', () => {
    expect(windowCount('max-failures', String(FAILURE_RING))).toBe(FAILURE_RING);
    expect(() => windowCount('max-failures', String(FAILURE_RING + 1))).toThrow(/from 0 to 50/);
  });

  it('trip or not after every failure, and which rule, for every accepted N', () => {
    fc.assert(
      fc.property(n, n, n, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200 })), fc.integer({ min: 1_000, max: 900_000 }), fc.array(step, { minLength: 20, maxLength: 220, size: 'max' }), (spikeN, spike2N, maxN, consecN, within, steps) => {
        const c = cfg({ spikes: [{ cls: 'transport', count: spikeN, withinMs: within / 2 }, { cls: 'exit:1', count: spike2N, withinMs: within }], maxFailures: maxN, withinMs: within, maxConsecutiveFailures: consecN });
        let m: Memory = freshMemory('job');
        const mo: Model = { fails: [], from: -Infinity, consecutive: 0 };
        let t = 0;
        for (const s of steps) {
          t += s.gap;
          if (s.kind === 'ok') {
            m = recordSuccess(m, at(t), 0, null);
            mo.consecutive = 0;
          } else if (s.kind === 'resume') {
            m = clearLatch(m, at(t));
            mo.from = t;
            mo.consecutive = 0;
          } else {
            m = recordFailure(m, failure(s.cls, at(t)), c.spikes);
            mo.fails.push({ t, cls: s.cls });
            mo.consecutive++;
            const trip = checkFailureRules(m, at(t), c);
            const want = expected(mo, t, c);
            expect(want === null ? trip : trip?.rule.startsWith(want) && want, trip?.rule).toBe(want);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
