import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import os from 'node:os';
import { decideAfterRun, childStatus, type Decision } from '../../src/policy/decide.ts';
import { classify, type Outcome } from '../../src/policy/classify.ts';
import { countRestart, freshMemory, recordFailure, recordSuccess, type Memory } from '../../src/policy/memory.ts';
import { checkFailureRules } from '../../src/policy/rules.ts';
import type { PolicyConfig } from '../../src/policy/config.ts';
import { at, cfg } from './helpers.ts';

const SIGNALS = os.constants.signals as Record<string, number>;
const usage = { restarts: 0, cost: 0, runtimeMs: 0 };

function step(m: Memory, o: Outcome, t: number, c: PolicyConfig, iterations = 0): { m: Memory; d: Decision } {
  const cls = classify(o, c);
  const m2 = cls === null ? recordSuccess(m, at(t), o.code, o.signal) : recordFailure(m, { at: at(t), cls, code: o.code, signal: o.signal, durationMs: o.durationMs, stderrTail: o.stderrTail, iteration: 1 });
  const d = decideAfterRun(m2, { cls, outcome: o, iterationsThisRun: iterations, usage: { ...usage, restarts: m2.restarts }, now: at(t), random: () => 0.5 }, c, SIGNALS);
  return { m: d.kind === 'continue' && d.restart ? countRestart(m2) : m2, d };
}

const outcome = fc.record({
  code: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 }), fc.constant(null)),
  signal: fc.constantFrom(null, 'SIGKILL', 'SIGSEGV'),
  durationMs: fc.integer({ min: 0, max: 120_000 }),
  stderrTail: fc.constantFrom('', 'ECONNREFUSED', 'boom', 'rate limit'),
}).map((o): Outcome => (o.code === null ? { ...o, signal: o.signal ?? 'SIGKILL' } : { ...o, signal: null }));

describe('decideAfterRun', () => {
  it('service: a failure is followed by a restart after backoff', () => {
    const { d } = step(freshMemory('j'), { code: 1, signal: null, durationMs: 5, stderrTail: '' }, 0, cfg({ backoffJitter: 0 }));
    expect(d).toEqual({ kind: 'continue', delayMs: 1000, restart: true });
  });
  it('service on-failure: a clean long run completes', () => {
    const { d } = step(freshMemory('j'), { code: 0, signal: null, durationMs: 60_000, stderrTail: '' }, 0, cfg({ restart: 'on-failure' }));
    expect(d).toEqual({ kind: 'finish', reason: 'COMPLETED', exitCode: 0 });
  });
  it('loop: success waits the interval; failure waits max(interval, backoff)', () => {
    const c = cfg({ mode: 'loop', intervalMs: 1500, backoffJitter: 0 });
    expect(step(freshMemory('j'), { code: 0, signal: null, durationMs: 5, stderrTail: '' }, 0, c).d).toEqual({ kind: 'continue', delayMs: 1500, restart: false });
    let m = freshMemory('j');
    for (let i = 0; i < 3; i++) m = step(m, { code: 1, signal: null, durationMs: 5, stderrTail: '' }, i, c).m;
    expect(step(m, { code: 1, signal: null, durationMs: 5, stderrTail: '' }, 4, c).d).toEqual({ kind: 'continue', delayMs: 8000, restart: true });
  });
  it('loop: --max-iterations completes with exit 0', () => {
    const c = cfg({ mode: 'loop', maxIterations: 3 });
    expect(step(freshMemory('j'), { code: 0, signal: null, durationMs: 5, stderrTail: '' }, 0, c, 3).d).toEqual({ kind: 'finish', reason: 'COMPLETED', exitCode: 0 });
  });
  it('once: the child status passes through (128+signal, 124 for timeout)', () => {
    const c = cfg({ mode: 'once' });
    expect(step(freshMemory('j'), { code: 7, signal: null, durationMs: 5, stderrTail: '' }, 0, c).d).toEqual({ kind: 'finish', reason: 'COMPLETED', exitCode: 7 });
    expect(childStatus({ code: null, signal: 'SIGTERM', durationMs: 1, stderrTail: '' }, SIGNALS)).toBe(143);
    expect(childStatus({ code: null, signal: 'SIGKILL', durationMs: 1, stderrTail: '', cause: 'timeout' }, SIGNALS)).toBe(124);
  });
  it('the restart budget: --max-restarts 2 allows two restarts, halts before the third', () => {
    const c = cfg({ maxRestarts: 2, maxConsecutiveFailures: 0, maxFailures: 0, spikes: [] });
    let m = freshMemory('j');
    const kinds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = step(m, { code: 1, signal: null, durationMs: 5, stderrTail: '' }, i, c);
      m = r.m;
      kinds.push(r.d.kind);
    }
    expect(kinds).toEqual(['continue', 'continue', 'halt']);
  });
  it('property: once a failure rule trips, the decision is a halt, never a restart', () => {
    fc.assert(
      fc.property(fc.array(outcome, { minLength: 1, maxLength: 60 }), fc.constantFrom<'service' | 'loop' | 'once'>('service', 'loop', 'once'), (outs, mode) => {
        const c = cfg({ mode });
        let m = freshMemory('j');
        let t = 0;
        for (const o of outs) {
          t += 100;
          const { m: next, d } = step(m, o, t, c);
          const cls = classify(o, c);
          if (cls !== null && checkFailureRules(next, at(t), c) !== null) {
            if (d.kind !== 'halt') return false;
            return d.exitCode === 80;
          }
          if (d.kind === 'halt') return true;
          m = next;
          if (m.consecutiveFailures > c.maxConsecutiveFailures) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

describe('decideAfterRun: retry hints', () => {
  const fail = (tail: string): Outcome => ({ code: 1, signal: null, durationMs: 5, stderrTail: tail });
  const decide = (hint: { ms: number; from: string } | null, c = cfg({ backoffJitter: 0 }), cls: string | null = 'rate-limit') => {
    const m = recordFailure(freshMemory('j'), { at: at(0), cls: cls ?? 'x', code: 1, signal: null, durationMs: 5, stderrTail: '', iteration: 1 });
    return decideAfterRun(m, { cls, outcome: fail(''), iterationsThisRun: 0, usage, now: at(0), random: () => 0.5, retryHint: hint }, c, SIGNALS);
  };
  it('a hint longer than the backoff sets the delay, and the decision says so', () => {
    expect(decide({ ms: 20_000, from: 'stderr "retry-after: 20"' })).toEqual({ kind: 'continue', delayMs: 20_000, restart: true, retryAfter: { ms: 20_000, from: 'stderr "retry-after: 20"' } });
  });
  it('a shorter hint changes nothing; --backoff-max caps a longer one', () => {
    expect(decide({ ms: 10, from: 'x' })).toEqual({ kind: 'continue', delayMs: 1000, restart: true });
    expect(decide({ ms: 600_000, from: 'x' }, cfg({ backoffJitter: 0, backoffMaxMs: 5000 }))).toMatchObject({ delayMs: 5000, retryAfter: { ms: 600_000 } });
  });
  it('loop mode: the larger of the interval and the hinted backoff', () => {
    expect(decide({ ms: 3000, from: 'x' }, cfg({ mode: 'loop', intervalMs: 10_000, backoffJitter: 0 }))).toMatchObject({ delayMs: 10_000 });
  });
});
