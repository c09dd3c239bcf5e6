// Every signal of the wrapper's signal table means in the machine what it means in the runtime:
// a stop signal stops the job (the child gets SIGTERM, or SIGINT for SIGINT), a second one kills at
// once; a forwarded one reaches the child's group and nothing else; any other is not the machine's.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/config.ts';
import { freshMemory } from '../../src/policy/memory.ts';
import { FORWARDED_SIGNALS, STOP_SIGNALS, UNHANDLED } from '../../src/signals/signal-table.ts';
import { initialState, step } from '../../src/machine/step.ts';
import type { Event, MachineConfig, MachineState } from '../../src/machine/types.ts';
import { at } from '../policy/helpers.ts';

const cfg: MachineConfig = { ...DEFAULT_POLICY, mode: 'service', killTimeoutMs: 5000, actionGraceMs: 0, probeAfterMs: 0, probeMaxMs: 0, stallTimeoutMs: 0 };

function running(): MachineState {
  let s = initialState(freshMemory('job'), at(0));
  for (const e of [{ type: 'lock-acquired', orphanPid: null }, { type: 'child-started', pid: 4242 }] as Event[]) s = step(s, e, at(0), cfg).state;
  expect(s.phase).toBe('running');
  return s;
}

const sent = (fx: ReturnType<typeof step>['effects']) => fx.flatMap((f) => (f.type === 'signal-group' ? [`${f.pid} ${f.signal}`] : []));

describe('the signal table in the machine', () => {
  it.each(STOP_SIGNALS.map((s) => [s]))('%s stops the job: the child is signalled, a second one kills it at once', (sig) => {
    const first = step(running(), { type: 'signal', signal: sig }, at(10), cfg);
    expect(first.state.phase).toBe('stopping');
    expect(first.state.stop).toMatchObject({ kind: 'SIGNAL', signal: sig });
    expect(sent(first.effects)).toEqual([`4242 ${sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM'}`]);
    const second = step(first.state, { type: 'signal', signal: sig }, at(20), cfg);
    expect(sent(second.effects)).toEqual(['4242 SIGKILL']);
  });

  it.each(FORWARDED_SIGNALS.map((s) => [s]))('%s is passed on to the child group, and the child keeps running', (sig) => {
    const r = step(running(), { type: 'signal', signal: sig }, at(10), cfg);
    expect(r.state.phase).toBe('running');
    expect(r.state.stop).toBeNull();
    expect(sent(r.effects)).toEqual([`4242 ${sig}`]);
  });

  it.each(Object.keys(UNHANDLED).map((s) => [s as NodeJS.Signals]))('%s is not the machine\'s: nothing happens', (sig) => {
    const s = running();
    expect(step(s, { type: 'signal', signal: sig }, at(10), cfg)).toEqual({ state: s, effects: [] });
  });

  it('a stop signal between runs ends the job at once, saying which signal it was', () => {
    const s = { ...running(), phase: 'backoff' as const, child: null };
    const r = step(s, { type: 'signal', signal: 'SIGQUIT' }, at(10), cfg);
    expect(r.state.phase).toBe('done');
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'stop-reason', reason: 'SIGNAL', exitCode: 0, message: 'SIGQUIT received; no child was running' }));
  });
});
