import { describe, expect, it } from 'vitest';
import { DEFAULT_SPIKES, formatSpike, spikeRules } from '../../src/policy/spikes.ts';
import { checkFailureRules } from '../../src/policy/rules.ts';
import { freshMemory, recordFailure } from '../../src/policy/memory.ts';
import { at, cfg, failure } from './helpers.ts';

const rule = (cls: string, count: number, withinMs: number) => ({ cls, count, withinMs });

describe('spike rules: --spike adds to the per-class defaults', () => {
  it('the defaults: transport 3 in 2m, rate-limit 4 in 15m, auth and exec 2 in 1h', () => {
    expect(spikeRules([]).map(formatSpike)).toEqual(['transport:3/2m', 'rate-limit:4/15m', 'auth:2/1h', 'exec:2/1h']);
  });
  it('a rule for another class is added; every default stays (issue 12, item 8)', () => {
    expect(spikeRules([rule('rate_limit', 2, 60_000)]).map(formatSpike)).toEqual(['rate_limit:2/1m', ...DEFAULT_SPIKES.map(formatSpike)]);
  });
  it("a rule for a built-in class replaces that class's default (so it can be loosened, or 0 disables it)", () => {
    expect(spikeRules([rule('transport', 10, 600_000)]).map(formatSpike)).toEqual(['transport:10/10m', 'rate-limit:4/15m', 'auth:2/1h', 'exec:2/1h']);
    expect(spikeRules([rule('auth', 0, 60_000)]).map(formatSpike)).toEqual(['auth:0/1m', 'transport:3/2m', 'rate-limit:4/15m', 'exec:2/1h']);
  });
  it('none clears the defaults, wherever it is given; rules given with it stay', () => {
    expect(spikeRules(['none'])).toEqual([]);
    expect(spikeRules([rule('quota', 2, 60_000), 'none'])).toEqual([rule('quota', 2, 60_000)]);
  });
  it('five transport failures with --spike rate_limit:2/1m trip the transport spike at the third', () => {
    const c = cfg({ spikes: spikeRules([rule('rate_limit', 2, 60_000)]) });
    let m = freshMemory('j');
    const trips = [1, 2, 3, 4, 5].map((i) => {
      m = recordFailure(m, failure('transport', at(i * 1000)));
      return checkFailureRules(m, at(i * 1000), c)?.rule ?? null;
    });
    expect(trips).toEqual([null, null, 'spike transport:3/2m', 'spike transport:3/2m', 'spike transport:3/2m']);
  });
  it('a second auth or exec failure within the hour halts', () => {
    for (const cls of ['auth', 'exec']) {
      let m = recordFailure(freshMemory('j'), failure(cls, at(0)));
      expect(checkFailureRules(m, at(0), cfg())).toBeNull();
      m = recordFailure(m, failure(cls, at(3_000_000)));
      expect(checkFailureRules(m, at(3_000_000), cfg())).toMatchObject({ reason: 'FAILURE_SPIKE', rule: `spike ${cls}:2/1h` });
    }
  });
});
