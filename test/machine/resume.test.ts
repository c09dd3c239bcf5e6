// A resume reaches the machine only as a request the edge has read and claimed (src/state/
// resume-request.ts: a stale or foreign .resume is removed there and is never an event). The
// event carries who asked and why, and the machine records them with the cleared halt.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/config.ts';
import { freshMemory, latch } from '../../src/policy/memory.ts';
import { initialState, step } from '../../src/machine/step.ts';
import type { MachineConfig } from '../../src/machine/types.ts';
import { at } from '../policy/helpers.ts';

const cfg: MachineConfig = { ...DEFAULT_POLICY, mode: 'service', killTimeoutMs: 5000, actionGraceMs: 0, probeAfterMs: 60_000, probeMaxMs: 600_000, stallTimeoutMs: 0 };

function halted() {
  const memory = latch(freshMemory('job'), { reason: 'FAILURE_SPIKE', rule: 'max-failures 10 within 10m', message: '10 failures', exitCode: 80, at: at(0) });
  const r = step(initialState(memory, at(0)), { type: 'lock-acquired', orphanPid: null }, at(0), cfg);
  expect(r.state.phase).toBe('halted');
  return r.state;
}

describe('a resume request in the machine', () => {
  it('clears the latch with who and why, marks the stop reason cleared, and starts the child', () => {
    const r = step(halted(), { type: 'resume-file', by: 'ops', reason: 'db is back', request: 'r-1' }, at(1000), cfg);
    expect(r.state.memory.latch).toBeNull();
    expect(r.effects).toContainEqual({ type: 'save-memory', memory: r.state.memory });
    expect(r.effects).toContainEqual({ type: 'cleared', halt: 'FAILURE_SPIKE', by: 'ops', reason: 'db is back', automatic: false });
    expect(r.effects).toContainEqual({ type: 'event', name: 'resumed', fields: { by: 'ops', reason: 'db is back', clearedHalt: 'FAILURE_SPIKE', automatic: false, evidence: null, request: 'r-1' } });
    expect(r.effects).toContainEqual({ type: 'log', level: 'info', text: 'resumed: FAILURE_SPIKE cleared (db is back)' });
    expect(r.effects.findIndex((f) => f.type === 'save-memory')).toBeLessThan(r.effects.findIndex((f) => f.type === 'spawn'));
    expect(r.state.phase).toBe('spawning');
  });

  it('means nothing when no halt is latched', () => {
    const s = { ...halted(), phase: 'running' as const };
    expect(step(s, { type: 'resume-file', by: 'ops', reason: 'x', request: 'r-2' }, at(1000), cfg).effects).toEqual([]);
  });
});
