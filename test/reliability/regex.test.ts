// A --classify regex that backtracks catastrophically on the stderr tail must not hang the supervisor:
// each user regex gets a bounded time on the bounded tail, and counts as no match past it.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { classify } from '../../src/policy/classify.ts';
import { userClass } from '../../src/cli/parse-values.ts';
import { cfg } from '../policy/helpers.ts';
import { cli, readJson, start, stateDir, waitFor, readEvents } from '../helpers/cli.ts';

const BAIT = path.join(import.meta.dirname, 'fixtures/backtrack-bait.sh');
const evil = ['x=/(a+)+$/', 'y=/(a|aa)*$/', 'z=/^(a|a?)+$/', 'w=/(.*a){12}$/'];

describe('catastrophic backtracking in --classify', () => {
  it.each(evil)('classify() with %s ends within a second and falls through to the next class', (text) => {
    const o = { code: 1, signal: null, durationMs: 5, stderrTail: 'a'.repeat(4000) + 'b' };
    const t0 = Date.now();
    const cls = classify(o, cfg({ mode: 'loop', classify: [userClass(text), userClass('quota=/rate limit/i')] }));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(cls).toBe('exit:1');
  });

  it('a good regex still matches, and a matching evil one still classifies', () => {
    const c = cfg({ mode: 'loop', classify: [userClass('quota=/rate limit/i')] });
    expect(classify({ code: 1, signal: null, durationMs: 5, stderrTail: 'HTTP 429: Rate Limit' }, c)).toBe('quota');
    const e = cfg({ mode: 'loop', classify: [userClass('x=/(a+)+$/')] });
    expect(classify({ code: 1, signal: null, durationMs: 5, stderrTail: 'aaaa' }, e)).toBe('x');
  });

  it('the wrapper classifies the run and exits with the child status, within seconds', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--classify', 'x=/(a+)+$/', '--state-dir', dir, '--', BAIT]);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(15_000);
    expect(readJson(path.join(dir, 'state.json')).recent[0].cls).toBe('exit:1');
  });

  it('SIGTERM is handled while such a regex runs', async () => {
    const dir = stateDir();
    const w = start(['run', '--classify', 'x=/(a+)+$/', '--backoff-initial', '5s', '--state-dir', dir, '--', BAIT]);
    await waitFor(() => readEvents(dir).some((e) => e.event === 'exited'), 20_000, 'the first exit');
    w.proc.kill('SIGTERM');
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(20_000);
  });
});
