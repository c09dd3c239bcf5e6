// Upgrades: test/fixtures/state-vN/ holds a full state directory written by the safehalt of schema N
// (one per schema version ever shipped). The current binary must load each, run, and keep the memory.
// A new schema version needs its fixture (the last test fails without one) and a MIGRATIONS entry
// in src/state/memory-store.ts (docs/reliability.md, "Upgrades").
import { describe, expect, it } from 'vitest';
import { chmodSync, cpSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { STATE_SCHEMA } from '../../src/policy/memory.ts';
import { parseMemory } from '../../src/state/memory-store.ts';
import { FIXTURES, cli, readEvents, readJson, stateDir } from '../helpers/cli.ts';

const versions = readdirSync(FIXTURES)
  .map((d) => /^state-v(\d+)$/.exec(d))
  .filter((m) => m !== null)
  .map((m) => Number(m[1]));

/** A private copy of the fixture, as safehalt wants it: directory 0700, files 0600, ours. */
function copyOf(version: number): string {
  const dir = stateDir();
  cpSync(path.join(FIXTURES, `state-v${version}`), dir, { recursive: true });
  chmodSync(dir, 0o700);
  for (const f of readdirSync(dir)) chmodSync(path.join(dir, f), 0o600);
  return dir;
}

describe.each(versions)('a state directory of schema %i', (version) => {
  const fixture = path.join(FIXTURES, `state-v${version}`);
  const old = JSON.parse(readFileSync(path.join(fixture, 'state.json'), 'utf8'));

  it('is what it says', () => {
    expect(old.schema).toBe(version);
    expect(version).toBeLessThanOrEqual(STATE_SCHEMA);
    expect(old.failures).toBeGreaterThan(0);
  });

  it('is loaded by the current binary, which runs and keeps the memory', async () => {
    const dir = copyOf(version);
    const eventsBefore = readEvents(dir).length;
    const r = await cli(['run', '--mode', 'once', '--classify-exit', '75=quota', '--state-dir', dir, '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
    const now = readJson(path.join(dir, 'state.json'));
    expect(now.schema).toBe(STATE_SCHEMA);
    expect(parseMemory(now, 'state.json')).toBeTruthy();
    // Everything remembered is still there; one more successful run is added.
    expect(now.name).toBe(old.name);
    expect([now.runs, now.successes, now.failures]).toEqual([old.runs + 1, old.successes + 1, old.failures]);
    expect(now.classCounts).toEqual(old.classCounts);
    expect(now.recent).toEqual(old.recent);
    expect(now.costTotal).toBe(old.costTotal);
    expect(now.progress.tokens.slice(0, old.progress.tokens.length)).toEqual(old.progress.tokens);
    const events = readEvents(dir);
    expect(events.length).toBeGreaterThan(eventsBefore);
    expect(events.slice(0, eventsBefore)).toEqual(readEvents(fixture));
  });

  it('is shown by status', async () => {
    const dir = copyOf(version);
    const r = await cli(['status', '--json', '--state-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(JSON.stringify(s)).toContain('"transport":2');
  });

  it('keeps a latched halt across the upgrade', async () => {
    const dir = copyOf(version);
    const first = await cli(['run', '--mode', 'once', '--max-consecutive-failures', '1', '--state-dir', dir, '--', 'false']);
    expect(first.code).toBe(80);
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(83);
  });
});

describe('fixtures', () => {
  it('one exists for the current schema version', () => {
    expect(versions).toContain(STATE_SCHEMA);
  });
});
