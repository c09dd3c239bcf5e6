// Signals that come while the child is being spawned (between the spawn and its pid) are acted on
// when it starts, as they would have been had it been running: a first one is a graceful stop, a
// second one does not wait (SIGKILL at once, as in every other phase with a child).
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/config.ts';
import { freshMemory } from '../../src/policy/memory.ts';
import { initialState, step } from '../../src/machine/step.ts';
import type { Event, MachineConfig, MachineState } from '../../src/machine/types.ts';
import { at } from '../policy/helpers.ts';

const cfg: MachineConfig = { ...DEFAULT_POLICY, mode: 'loop', killTimeoutMs: 60_000, actionGraceMs: 60_000, probeAfterMs: 0, probeMaxMs: 0, stallTimeoutMs: 0 };

function spawning(): MachineState {
  const s = step(initialState(freshMemory('job'), at(0)), { type: 'lock-acquired', orphanPid: null }, at(0), cfg).state;
  expect(s.phase).toBe('spawning');
  return s;
}

const sent = (fx: ReturnType<typeof step>['effects']) => fx.flatMap((f) => (f.type === 'signal-group' ? [`${f.pid} ${f.signal}`] : []));

function after(events: Event[]): ReturnType<typeof step> {
  let s = spawning();
  let r = step(s, events[0]!, at(1), cfg);
  for (const e of events.slice(1)) (s = r.state), (r = step(s, e, at(2), cfg));
  return r;
}

describe('signals while spawning', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('one %s: the started child is stopped gracefully', (sig) => {
    const r = after([{ type: 'signal', signal: sig }, { type: 'child-started', pid: 4242 }]);
    expect(r.state.phase).toBe('stopping');
    expect(sent(r.effects)).toEqual([`4242 ${sig}`]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('two %s: the started child is killed at once, and the escalation is recorded', (sig) => {
    const r = after([{ type: 'signal', signal: sig }, { type: 'signal', signal: sig }, { type: 'child-started', pid: 4242 }]);
    expect(r.state.phase).toBe('stopping');
    expect(sent(r.effects)).toEqual(['4242 SIGKILL']);
    expect(r.effects.some((f) => f.type === 'event' && f.name === 'escalated')).toBe(true);
  });

  it('service mode, SIGTERM then stop --now: the started child is killed at once (stop --now is the kill there)', () => {
    let s = step(initialState(freshMemory('job'), at(0)), { type: 'lock-acquired', orphanPid: null }, at(0), { ...cfg, mode: 'service' }).state;
    for (const e of [{ type: 'signal', signal: 'SIGTERM' }, { type: 'stop-file', now: true }] as Event[]) s = step(s, e, at(1), { ...cfg, mode: 'service' }).state;
    const r = step(s, { type: 'child-started', pid: 4242 }, at(2), { ...cfg, mode: 'service' });
    expect(sent(r.effects)).toEqual(['4242 SIGKILL']);
  });
});
