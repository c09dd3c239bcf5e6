// The long-timer helper: a wait of any length is a chain of timers no longer than the chunk, towards
// a deadline on the monotonic clock, cut short by its AbortSignal. Virtual time for the 30-day and
// one-year chains; real timers with a 7 ms chunk so that real chaining is exercised too.
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, after, every, realScheduler, sleep, type Scheduler } from '../../src/util/long-timer.ts';

const DAY = 24 * 3600 * 1000;

/** A scheduler on virtual time: `advance` runs due timers in order; `armed` lists every delay asked. */
function virtual(chunkMs = MAX_TIMER_MS) {
  let t = 0;
  let queue: { at: number; fn: () => void }[] = [];
  const armed: number[] = [];
  const s: Scheduler = {
    now: () => t,
    set(fn, ms) {
      armed.push(ms);
      const h = { at: t + ms, fn };
      queue.push(h);
      return h;
    },
    clear(h) {
      queue = queue.filter((q) => q !== h);
    },
    chunkMs,
  };
  const advance = (ms: number) => {
    const end = t + ms;
    for (;;) {
      const next = queue.filter((q) => q.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      queue = queue.filter((q) => q !== next);
      t = next.at;
      next.fn();
    }
    t = end;
  };
  return { s, advance, armed, pending: () => queue.length };
}

/** The real scheduler with a short chunk, counting the timers it arms. */
function shortChunks(chunkMs: number) {
  let count = 0;
  let longest = 0;
  const s: Scheduler = { ...realScheduler, chunkMs, set: (fn, ms) => (count++, (longest = Math.max(longest, ms)), realScheduler.set(fn, ms)) };
  return { s, count: () => count, longest: () => longest };
}

describe('after', () => {
  it('a 30-day timer is a chain of timers within the limit and fires at the deadline, not before', () => {
    const v = virtual();
    let fired = 0;
    after(30 * DAY, () => fired++, { scheduler: v.s });
    v.advance(30 * DAY - 1);
    expect(fired).toBe(0);
    v.advance(1);
    expect(fired).toBe(1);
    expect(Math.max(...v.armed)).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(v.armed.length).toBe(Math.ceil((30 * DAY) / MAX_TIMER_MS));
    expect(v.pending()).toBe(0);
  });

  it('a one-year timer with a one-day chunk takes 366 timers', () => {
    const v = virtual(DAY);
    let fired = 0;
    after(365.25 * DAY, () => fired++, { scheduler: v.s });
    v.advance(365 * DAY);
    expect(fired).toBe(0);
    v.advance(DAY);
    expect(fired).toBe(1);
    expect(v.armed).toHaveLength(366);
  });

  it('aborting or cancelling stops the chain; Infinity never fires', () => {
    const v = virtual(1000);
    const ac = new AbortController();
    let fired = 0;
    after(10_000, () => fired++, { scheduler: v.s, signal: ac.signal });
    const cancel = after(10_000, () => fired++, { scheduler: v.s });
    after(Infinity, () => fired++, { scheduler: v.s, signal: ac.signal });
    v.advance(5000);
    ac.abort();
    cancel();
    v.advance(1e9);
    expect(fired).toBe(0);
    expect(v.pending()).toBe(0);
  });

  it('an aborted signal arms nothing; NaN and negative delays fire on the next turn', () => {
    const v = virtual();
    const ac = new AbortController();
    ac.abort();
    let fired = 0;
    after(10, () => fired++, { scheduler: v.s, signal: ac.signal });
    expect(v.armed).toHaveLength(0);
    after(NaN, () => fired++, { scheduler: v.s });
    after(-5, () => fired++, { scheduler: v.s });
    expect(fired).toBe(0);
    v.advance(0);
    expect(fired).toBe(2);
  });

  it('with real timers and a 7 ms chunk, 120 ms is chained and fires on time', async () => {
    const c = shortChunks(7);
    const t0 = performance.now();
    const took = await new Promise<number>((r) => after(120, () => r(performance.now() - t0), { scheduler: c.s }));
    expect(took).toBeGreaterThanOrEqual(119);
    expect(took).toBeLessThan(5000);
    // Each timer takes at least its 7 ms (late, never early): at most 18 links, and many of them.
    expect(c.longest()).toBeLessThanOrEqual(7);
    expect(c.count()).toBeGreaterThanOrEqual(5);
    expect(c.count()).toBeLessThanOrEqual(Math.ceil(120 / 7) + 1);
  });

  it('a real 30-day timer arms without a TimeoutOverflowWarning (warnings fail the test run)', async () => {
    const ac = new AbortController();
    let fired = false;
    after(30 * DAY, () => (fired = true), { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    expect(fired).toBe(false);
  });
});

describe('every and sleep', () => {
  it('every repeats with the period, across chunks, until cancelled', () => {
    const v = virtual(10);
    let n = 0;
    const stop = every(25, () => n++, { scheduler: v.s });
    v.advance(100);
    expect(n).toBe(4);
    stop();
    v.advance(100);
    expect(n).toBe(4);
    expect(v.pending()).toBe(0);
  });

  it('every with a 30-day period is idle in between', () => {
    const v = virtual();
    let n = 0;
    every(30 * DAY, () => n++, { scheduler: v.s });
    v.advance(60 * DAY);
    expect(n).toBe(2);
    // Two periods waited, and the third armed.
    expect(v.armed.length).toBe(3 * Math.ceil((30 * DAY) / MAX_TIMER_MS) - 1);
  });

  it('sleep elapses, or is interrupted by its signal', async () => {
    const v = virtual();
    const ac = new AbortController();
    const long = sleep(40 * DAY, ac.signal, v.s);
    v.advance(40 * DAY);
    expect(await long).toBe('elapsed');
    const cut = sleep(40 * DAY, ac.signal, v.s);
    v.advance(DAY);
    ac.abort();
    expect(await cut).toBe('interrupted');
    expect(await sleep(1, ac.signal, v.s)).toBe('interrupted');
    expect(v.pending()).toBe(0);
  });
});

describe('one helper for every timer', () => {
  it('no file in src/ arms a Node timer itself', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(import.meta.dirname, '../../src');
    const raw = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && f !== path.join('util', 'long-timer.ts'))
      .filter((f) => /\bset(Timeout|Interval)\s*\(|timers\/promises/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(raw).toEqual([]);
  });
});
