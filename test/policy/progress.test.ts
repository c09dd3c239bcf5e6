import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkProgress, findCycle, recordToken } from '../../src/policy/progress.ts';
import { freshMemory, type Memory } from '../../src/policy/memory.ts';

const feed = (tokens: (string | undefined)[], loopRepeats = 3): Memory =>
  tokens.reduce((m, t) => recordToken(m, t, { loopRepeats }), freshMemory('j'));

describe('progress', () => {
  it('N iterations with an unchanged token is NO_PROGRESS', () => {
    const m = feed(['a', 'b', 'b', 'b']);
    expect(m.progress.unchanged).toBe(2);
    expect(checkProgress(m, { noProgressAfter: 2, loopRepeats: 0 })).toMatchObject({ reason: 'NO_PROGRESS' });
    expect(checkProgress(m, { noProgressAfter: 3, loopRepeats: 0 })).toBeNull();
  });
  it('an iteration without a token counts as unchanged', () => {
    expect(feed(['a', undefined, undefined]).progress.unchanged).toBe(2);
  });
  it('A B A B A B is LOOP_DETECTED with loop-repeats 3', () => {
    expect(checkProgress(feed(['A', 'B', 'A', 'B', 'A']), { noProgressAfter: 0, loopRepeats: 3 })).toBeNull();
    expect(checkProgress(feed(['A', 'B', 'A', 'B', 'A', 'B']), { noProgressAfter: 0, loopRepeats: 3 })).toMatchObject({ reason: 'LOOP_DETECTED' });
  });
  it('cycles of period 3 and 4 are found; a constant run is not a cycle', () => {
    expect(findCycle(['x', 'a', 'b', 'c', 'a', 'b', 'c'], 2)).toBe(3);
    expect(findCycle('abcdabcdabcd'.split(''), 3)).toBe(4);
    expect(findCycle(['a', 'a', 'a', 'a', 'a', 'a'], 3)).toBeNull();
    expect(findCycle('abcdeabcdeabcde'.split(''), 3)).toBeNull();
  });
  it('property: strictly increasing tokens never trip either rule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 2, max: 16 }), (n, after, repeats) => {
        const m = feed(Array.from({ length: n }, (_, i) => `cursor-${i}`), repeats);
        return checkProgress(m, { noProgressAfter: after, loopRepeats: repeats }) === null;
      }),
    );
  });
});
