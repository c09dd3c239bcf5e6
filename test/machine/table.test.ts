// The state table says what step does: every transition the model runs make is declared in it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventKey, TABLE } from '../../src/machine/table.ts';
import { PHASES } from '../../src/machine/types.ts';
import { config, intent, run } from './harness.ts';

describe('the state table', () => {
  it('declares every transition step makes (phase changes and steps with effects)', () => {
    const declared = new Map(TABLE.map((r) => [`${r.from} ${r.on}`, r.to]));
    const undeclared = new Set<string>();
    fc.assert(
      fc.property(config, fc.boolean(), fc.array(intent, { minLength: 1, maxLength: 300, size: 'max' }), (cfg, latched, intents) => {
        run(cfg, latched, intents, (t) => {
          if (t.before.phase === t.after.state.phase && t.after.effects.length === 0) return;
          const k = `${t.before.phase} ${eventKey(t.event)}`;
          if (!declared.get(k)?.includes(t.after.state.phase)) undeclared.add(`${k} -> ${t.after.state.phase}`);
        });
      }),
      { numRuns: 1000 },
    );
    expect([...undeclared]).toEqual([]);
  });

  it('names only phases that exist, and every phase but done answers some event', () => {
    for (const r of TABLE) expect([r.from, ...r.to].every((p) => PHASES.includes(p))).toBe(true);
    for (const p of PHASES.filter((x) => x !== 'done')) expect(TABLE.some((r) => r.from === p)).toBe(true);
  });
});

describe('the README diagram', () => {
  it('is the one the table gives (npm run diagram redraws it)', async () => {
    const { readFileSync } = await import('node:fs');
    const { withDiagram } = await import('../../src/machine/diagram.ts');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withDiagram(readme)).toBe(readme);
  });
});
