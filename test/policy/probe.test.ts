import { describe, expect, it } from 'vitest';
import { afterFailedProbe, canProbe, probeWait, withFirstProbe } from '../../src/policy/probe.ts';
import type { Latch } from '../../src/policy/memory.ts';
import { at } from './helpers.ts';

const cfg = { probeAfterMs: 60_000, probeMaxMs: 300_000 };
const latch = (reason: Latch['reason']): Latch => ({ reason, rule: 'r', message: 'm', exitCode: 80, at: at(1000) });

describe('half-open probe', () => {
  it('only failure halts are probed, and only when opted in', () => {
    expect(canProbe(latch('FAILURE_SPIKE'), cfg)).toBe(true);
    expect(canProbe(latch('RETRY_LIMIT_REACHED'), cfg)).toBe(true);
    expect(canProbe(latch('BUDGET_EXCEEDED'), cfg)).toBe(false);
    expect(canProbe(latch('NO_PROGRESS'), cfg)).toBe(false);
    expect(canProbe(latch('LOOP_DETECTED'), cfg)).toBe(false);
    expect(canProbe(latch('FAILURE_SPIKE'), { ...cfg, probeAfterMs: 0 })).toBe(false);
  });
  it('is due one cooldown after the halt', () => {
    const l = withFirstProbe(latch('FAILURE_SPIKE'), cfg);
    expect(probeWait(l, at(1000), cfg)).toBe(60_000);
    expect(probeWait(l, at(61_000), cfg)).toBe(0);
    expect(probeWait(l, at(99_000), cfg)).toBe(0);
  });
  it('a failed probe doubles the cooldown up to --probe-max', () => {
    let l = withFirstProbe(latch('FAILURE_SPIKE'), cfg);
    const cooldowns: number[] = [];
    for (let i = 0; i < 5; i++) {
      l = afterFailedProbe(l, at(100_000), cfg);
      cooldowns.push(l.probe!.cooldownMs);
    }
    expect(cooldowns).toEqual([120_000, 240_000, 300_000, 300_000, 300_000]);
    expect(probeWait(l, at(100_000), cfg)).toBe(300_000);
  });
});
