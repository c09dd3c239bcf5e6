import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkFailureRules, inWindow } from '../../src/policy/rules.ts';
import { clearLatch, freshMemory, recordFailure, recordSuccess, type Memory } from '../../src/policy/memory.ts';
import { at, cfg, failure } from './helpers.ts';

const fail = (m: Memory, cls: string, t: number) => recordFailure(m, failure(cls, at(t)));

describe('halt rules', () => {
  it('default: 3 transport failures within 2m trip FAILURE_SPIKE', () => {
    let m = freshMemory('j');
    m = fail(m, 'transport', 0);
    m = fail(m, 'transport', 1000);
    expect(checkFailureRules(m, at(1000), cfg())).toBeNull();
    m = fail(m, 'transport', 2000);
    expect(checkFailureRules(m, at(2000), cfg())).toMatchObject({ reason: 'FAILURE_SPIKE', rule: 'spike transport:3/2m' });
  });
  it('spread beyond the window, the spike does not trip', () => {
    let m = freshMemory('j');
    for (const t of [0, 61_000, 122_000]) m = recordSuccess(fail(m, 'transport', t), at(t + 1), 0, null);
    expect(checkFailureRules(m, at(122_000), cfg())).toBeNull();
  });
  it('5 consecutive failures trip RETRY_LIMIT_REACHED; a success resets the count', () => {
    let m = freshMemory('j');
    for (let i = 0; i < 4; i++) m = fail(m, 'exit:1', i * 1000);
    expect(checkFailureRules(m, at(4000), cfg())).toBeNull();
    m = recordSuccess(m, at(4500), 0, null);
    for (let i = 5; i < 9; i++) m = fail(m, 'exit:1', i * 1000);
    expect(checkFailureRules(m, at(9000), cfg())).toBeNull();
    m = fail(m, 'exit:1', 9000);
    expect(checkFailureRules(m, at(9000), cfg())).toMatchObject({ reason: 'RETRY_LIMIT_REACHED', rule: 'max-consecutive-failures 5' });
  });
  it('max-failures within a window trips FAILURE_SPIKE even with successes between', () => {
    let m = freshMemory('j');
    for (let i = 0; i < 10; i++) m = recordSuccess(fail(m, 'exit:2', i * 1000), at(i * 1000 + 1), 0, null);
    expect(checkFailureRules(m, at(10_000), cfg())).toMatchObject({ reason: 'FAILURE_SPIKE', rule: 'max-failures 10 within 10m' });
  });
  it('0 disables a rule', () => {
    let m = freshMemory('j');
    for (let i = 0; i < 20; i++) m = fail(m, 'transport', i);
    expect(checkFailureRules(m, at(20), cfg({ maxConsecutiveFailures: 0, maxFailures: 0, spikes: [] }))).toBeNull();
  });
  it('user spike rules on any class, e.g. exit:1', () => {
    let m = freshMemory('j');
    m = fail(m, 'exit:1', 0);
    m = fail(m, 'exit:1', 10);
    expect(checkFailureRules(m, at(10), cfg({ spikes: [{ cls: 'exit:1', count: 2, withinMs: 1000 }] }))).toMatchObject({ rule: 'spike exit:1:2/1s' });
  });
  it('failures before a resume do not count', () => {
    let m = freshMemory('j');
    m = fail(m, 'transport', 0);
    m = fail(m, 'transport', 10);
    m = clearLatch(m, at(20));
    m = fail(m, 'transport', 30);
    expect(inWindow(m.recent, m.windowFrom, at(30), 120_000)).toHaveLength(1);
    expect(checkFailureRules(m, at(30), cfg())).toBeNull();
  });
  it('across a reboot the window falls back to wall time', () => {
    let m = freshMemory('j');
    m = recordFailure(m, failure('transport', at(5_000_000, 'old', 1_000_000)));
    m = recordFailure(m, failure('transport', at(6_000_000, 'old', 1_001_000)));
    // New boot: monotonic restarted near 0; wall time 30s later.
    m = recordFailure(m, failure('transport', at(100, 'new', 1_031_000)));
    expect(checkFailureRules(m, at(100, 'new', 1_031_000), cfg())).toMatchObject({ reason: 'FAILURE_SPIKE' });
    // An hour of wall time later, only the failure of this boot (100ms of monotonic time ago) counts.
    expect(inWindow(m.recent, null, at(200, 'new', 4_631_000), 120_000).map((f) => f.at.boot)).toEqual(['new']);
  });
  it('property: a wall-clock jump (same boot) neither trips nor hides a rule', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: -1e10, max: 1e10 }), (times, jump) => {
        const sorted = [...times].sort((a, b) => a - b);
        let m1 = freshMemory('j');
        let m2 = freshMemory('j');
        for (const t of sorted) {
          m1 = recordFailure(m1, failure('transport', at(t)));
          m2 = recordFailure(m2, failure('transport', at(t, 'b1', 1_700_000_000_000 + t + (t > sorted[0] ? jump : 0))));
        }
        const now = sorted.at(-1)!;
        const a = checkFailureRules(m1, at(now), cfg());
        const b = checkFailureRules(m2, at(now, 'b1', 1_700_000_000_000 + now + jump), cfg());
        return JSON.stringify(a) === JSON.stringify(b);
      }),
    );
  });
});
