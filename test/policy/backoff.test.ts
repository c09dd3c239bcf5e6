import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from '../../src/policy/backoff.ts';

const base = { backoffInitialMs: 1000, backoffMaxMs: 300_000, backoffFactor: 2, backoffJitter: 0 };

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, base, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(backoffDelay(20, base, () => 0.5)).toBe(300_000);
  });
  it('jitter spreads ±jitter around the base', () => {
    const c = { ...base, backoffJitter: 0.2 };
    expect(backoffDelay(1, c, () => 0)).toBe(800);
    expect(backoffDelay(1, c, () => 1)).toBe(1200);
  });
  it('zero attempts or zero initial means no delay', () => {
    expect(backoffDelay(0, base, Math.random)).toBe(0);
    expect(backoffDelay(3, { ...base, backoffInitialMs: 0 }, Math.random)).toBe(0);
  });
  it('property: never above the cap, never negative, whatever the inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempt, a, b, factor, jitter, r) => {
          const c = { backoffInitialMs: Math.min(a, b), backoffMaxMs: Math.max(a, b), backoffFactor: factor, backoffJitter: jitter };
          const d = backoffDelay(attempt, c, () => r);
          return d >= 0 && d <= c.backoffMaxMs && Number.isInteger(d);
        },
      ),
    );
  });
  it('property: without jitter the delay never shrinks as failures grow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 1, max: 10, noNaN: true }), (n, factor) => {
        const c = { ...base, backoffFactor: factor };
        return backoffDelay(n + 1, c, () => 0.5) >= backoffDelay(n, c, () => 0.5);
      }),
    );
  });
});
