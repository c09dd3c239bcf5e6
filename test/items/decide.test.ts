// The pure rules: when a circuit opens, what a changed content hash resets, what a failure records.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_MAX_RETRIES, isOpen, observe, recordFailure } from '../../src/items/decide.ts';
import type { ItemRecord } from '../../src/items/record.ts';

const t0 = new Date('2030-01-01T00:00:00Z');
const fail = (rec: ItemRecord | undefined, hash: string | null = null, cls: string | null = 'exit:1') =>
  recordFailure(rec, 'item', { cls, message: null, hash }, t0);
const failTimes = (n: number, hash: string | null = null) => {
  let r: ItemRecord | undefined;
  for (let i = 0; i < n; i++) r = fail(r, hash);
  return r;
};

describe('isOpen', () => {
  it.each([
    [0, 3, false],
    [2, 3, false],
    [3, 3, true],
    [7, 3, true],
    [1, 1, true],
    [100, 0, false],
  ])('%i failures with a limit of %i: open %s', (n, limit, open) => {
    expect(isOpen(failTimes(n), limit)).toBe(open);
  });

  it('an item with no record is never open', () => {
    expect(isOpen(undefined, 1)).toBe(false);
  });

  it('the default limit is 3', () => {
    expect(DEFAULT_MAX_RETRIES).toBe(3);
  });

  it('n failures open the circuit exactly when n reaches the limit (0 = never)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (n, limit) => {
        expect(isOpen(failTimes(n), limit)).toBe(limit > 0 && n >= limit);
      }),
    );
  });
});

describe('recordFailure', () => {
  it('counts consecutive and total failures and keeps the last class', () => {
    const r = fail(fail(undefined, 'aa', 'exit:2'), null, 'timeout');
    expect(r).toMatchObject({ id: 'item', failures: 2, totalFailures: 2, contentHash: 'aa', lastClass: 'timeout' });
  });

  it('a failure of changed content starts a new count', () => {
    const r = fail(fail(fail(undefined, 'aa'), 'aa'), 'bb');
    expect(r).toMatchObject({ failures: 1, totalFailures: 3, contentHash: 'bb' });
  });
});

describe('observe (a check seeing a content hash)', () => {
  it('an item with no record needs no record', () => {
    expect(observe(undefined, 'aa', t0)).toBeUndefined();
  });

  it('the same hash, or none given, changes nothing', () => {
    const r = failTimes(3, 'aa');
    expect(observe(r, 'aa', t0)).toBeUndefined();
    expect(observe(r, null, t0)).toBeUndefined();
  });

  it('a different hash resets the counter (the item was edited)', () => {
    const next = observe(failTimes(5, 'aa'), 'bb', t0)!;
    expect(next).toMatchObject({ failures: 0, totalFailures: 5, contentHash: 'bb', firstFailureAt: null });
    expect(isOpen(next, 1)).toBe(false);
  });

  it('a record with no hash yet adopts the first one it sees and keeps its count', () => {
    expect(observe(failTimes(2), 'aa', t0)).toMatchObject({ failures: 2, contentHash: 'aa' });
  });

  it('after a change, the old hash is a change again', () => {
    const changed = observe(failTimes(3, 'aa'), 'bb', t0)!;
    const again = fail(fail(changed));
    expect(observe(again, 'aa', t0)).toMatchObject({ failures: 0, contentHash: 'aa' });
  });
});
