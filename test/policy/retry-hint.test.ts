import { describe, expect, it } from 'vitest';
import { hintFromText, hintedDelay, retryHint } from '../../src/policy/retry-hint.ts';
import { applyDelta, emptyDelta, foldReport } from '../../src/state/child-report.ts';

const NOW = Date.parse('2026-12-01T20:00:00Z');

describe('retry hints', () => {
  it.each([
    ['< retry-after: 20', 20_000],
    ['Error: 429 Too Many Requests (retry-after: 30): {...}', 30_000],
    ['Retry-After: 1.5', 1500],
    ['retry-after-ms: 250', 250],
    ['retry-after: Tue, 01 Dec 2026 20:02:00 GMT', 120_000],
    ['"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "34s"}]', 34_000],
    ['Rate limit reached for gpt-4o ... Please try again in 20s. Visit', 20_000],
    ['Please try again in 120ms.', 120],
  ])('%s', (text, ms) => {
    expect(hintFromText(text, NOW)?.ms).toBe(ms);
  });
  it('the last hint in the tail wins; it names its source', () => {
    expect(hintFromText('retry-after: 5\nretry-after: 7\n', NOW)).toEqual({ ms: 7000, from: 'stderr "retry-after: 7"' });
  });
  it.each(['', 'retry after a while', 'retry-after: 0', 'retry-after: Tue, 01 Dec 2026 19:00:00 GMT', 'retry-after: Tue, 99 Foo 2026 19:00:00 GMT'])('no usable hint: %j', (text) => {
    expect(hintFromText(text, NOW)).toBeNull();
  });
  it("the child's report wins over the stderr tail", () => {
    expect(retryHint('retry-after: 5', 30_000, NOW)).toEqual({ ms: 30_000, from: 'the child (retry-after report)' });
    expect(retryHint('retry-after: 5', null, NOW)?.ms).toBe(5000);
  });
  it('a hint of days is kept as it is: --backoff-max caps it (a daily quota)', () => {
    expect(hintFromText('retry-after: 172800', NOW)?.ms).toBe(172_800_000);
    expect(retryHint('', 172_800_000, NOW)?.ms).toBe(172_800_000);
    expect(hintedDelay(1000, { ms: 172_800_000, from: 'x' }, 300_000)).toBe(300_000);
  });
  it('the backoff is at least the hint, and never above --backoff-max', () => {
    expect(hintedDelay(1000, { ms: 20_000, from: 'x' }, 300_000)).toBe(20_000);
    expect(hintedDelay(40_000, { ms: 20_000, from: 'x' }, 300_000)).toBe(40_000);
    expect(hintedDelay(1000, { ms: 600_000, from: 'x' }, 300_000)).toBe(300_000);
    expect(hintedDelay(1000, null, 300_000)).toBe(1000);
  });
});

describe("the child's retry-after report (child-heartbeat.json)", () => {
  it('holds for the iteration that reported it: kept by its later beats, not carried into the next run', () => {
    const now = new Date();
    const delta = (r: Parameters<typeof foldReport>[1]) => foldReport(emptyDelta(), r, now);
    const first = applyDelta(null, delta({ kind: 'retry-after', ms: 30_000 }), { pid: 1, iteration: 3 }, now);
    const same = applyDelta(first, delta({ kind: 'heartbeat' }), { pid: 1, iteration: 3 }, now);
    const next = applyDelta(same, delta({ kind: 'progress', token: 'x' }), { pid: 2, iteration: 4 }, now);
    expect([first.retryAfterMs, same.retryAfterMs, next.retryAfterMs]).toEqual([30_000, 30_000, undefined]);
  });
});
