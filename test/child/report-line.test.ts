// Report lines: the words and checks of `safehalt heartbeat`, table-tested; the fold into a delta
// and into child-heartbeat.json.
import { describe, expect, it } from 'vitest';
import { parseReport, reportLines } from '../../src/child/report-line.ts';
import { applyDelta, emptyDelta, foldReport, mergeDeltas } from '../../src/state/child-report.ts';

describe('parseReport', () => {
  it.each([
    ['heartbeat', { kind: 'heartbeat' }],
    ['end', { kind: 'end' }],
    ['end\r', { kind: 'end' }],
    ['progress cursor 42', { kind: 'progress', token: 'cursor 42' }],
    ['step page 3 of 9', { kind: 'step', text: 'page 3 of 9' }],
    ['begin send-invoices', { kind: 'begin', action: 'send-invoices' }],
    ['cost 0.02', { kind: 'cost', amount: 0.02 }],
    ['cost 1e3', { kind: 'cost', amount: 1000 }],
    ['retry-after 30s', { kind: 'retry-after', ms: 30_000 }],
    ['retry-after 120', { kind: 'retry-after', ms: 120_000 }],
    ['retry-after 1y', { kind: 'retry-after', ms: 365.25 * 24 * 3600 * 1000 }],
  ])('%j is %j', (line, report) => expect(parseReport(line)).toEqual(report));

  it.each([
    ['', /unknown report/],
    ['hello', /unknown report/],
    ['PROGRESS x', /unknown report/],
    ['progress', /needs a text/],
    ['progress ', /needs a text/],
    [`progress ${'x'.repeat(1025)}`, /needs a text/],
    ['step a\u0007b', /needs a text/],
    ['heartbeat now', /takes nothing/],
    ['cost', /needs a number/],
    ['cost -1', /needs a number/],
    ['cost 1e13', /needs a number/],
    ['cost NaN', /needs a number/],
    ['cost Infinity', /needs a number/],
    ['retry-after soon', /needs a duration/],
    ['retry-after 2y', /needs a duration/],
  ])('%j is refused (%s)', (line, why) => {
    const r = parseReport(line);
    expect('error' in r && r.error).toMatch(why);
  });

  it('reportLines gives the lines of the heartbeat flags; a bare call is one heartbeat', () => {
    expect(reportLines({})).toBe('heartbeat\n');
    expect(reportLines({ progress: 'p', cost: 2, step: 's', begin: 'a' })).toBe('progress p\ncost 2\nstep s\nbegin a\n');
    expect(reportLines({ cost: 0, end: true })).toBe('end\n');
    for (const line of reportLines({ progress: 'p', cost: 2, step: 's', end: true, retryAfter: '5m' }).slice(0, -1).split('\n'))
      expect(parseReport(line)).not.toHaveProperty('error');
  });
});

describe('folding reports', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const fold = (...lines: string[]) => lines.reduce((d, l) => foldReport(d, parseReport(l) as never, now), emptyDelta());

  it('the latest token, step, action and retry hint; summed cost; one beat per report', () => {
    const d = fold('progress 1', 'cost 1.5', 'step a', 'progress 2', 'begin x', 'end', 'cost 2', 'retry-after 1m', 'heartbeat');
    expect(d).toEqual({ beats: 9, cost: 3.5, progress: '2', step: 'a', action: null, retryAfterMs: 60_000 });
  });

  it('applied to the previous record as the heartbeat command always did', () => {
    const prev = applyDelta(null, fold('progress 1', 'cost 2', 'begin x'), { pid: 10, iteration: 3 }, now);
    expect(prev).toEqual({ schema: 1, time: now.toISOString(), pid: 10, iteration: 3, progress: '1', step: null, cost: 2, beats: 3, action: { name: 'x', since: now.toISOString() } });
    const next = applyDelta(prev, fold('heartbeat'), { pid: 11, iteration: null }, now);
    expect(next).toMatchObject({ pid: 11, iteration: 3, progress: '1', cost: 2, beats: 4, action: { name: 'x' } });
    expect(applyDelta(next, fold('retry-after 5s'), { pid: 11, iteration: 4 }, now).retryAfterMs).toBe(5000);
  });

  it('a failed write merged with what came since loses nothing', () => {
    const merged = mergeDeltas(fold('progress 1', 'cost 1', 'begin x'), fold('cost 2', 'step s'));
    expect(merged).toEqual({ beats: 5, cost: 3, progress: '1', step: 's', action: { name: 'x', since: now.toISOString() } });
    expect(mergeDeltas(fold('begin x'), fold('end')).action).toBeNull();
  });
});
