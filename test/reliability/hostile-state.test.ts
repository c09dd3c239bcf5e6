// Hostile or corrupt state, generated with fast-check. Thousands of cases go through the project's
// own readers (loadMemory, readInflight, readChildHeartbeat); a sample of tens goes through the
// real binary. Every case: exit 78 (a UserError), a message naming the file and the fix, nothing
// overwritten, no link followed; a memory that is accepted never breaks the policy.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadMemory } from '../../src/state/memory-store.ts';
import { readInflight } from '../../src/state/inflight.ts';
import { readChildHeartbeat } from '../../src/state/child-heartbeat.ts';
import { UserError } from '../../src/exit-codes.ts';
import { freshMemory, latch, recordFailure, type Memory } from '../../src/policy/memory.ts';
import { decideAfterRun } from '../../src/policy/decide.ts';
import { checkBudgets } from '../../src/policy/budgets.ts';
import { buildStopReport } from '../../src/policy/stop-report.ts';
import { at, cfg } from '../policy/helpers.ts';
import { cli, stateDir, tempDir } from '../helpers/cli.ts';
import { SEED } from './random.ts';
import { record } from './figures.ts';

const figures = { readerCases: 0, binaryCases: 0, symlinkCases: 0 };
afterAll(() => record('hostile-state', figures));

// ---- valid files to start from ---------------------------------------------------------------

function goodMemory(): Memory {
  let m = freshMemory('job');
  for (let i = 1; i <= 4; i++)
    m = recordFailure(m, { at: at(i * 1000), cls: i % 2 ? 'transport' : 'exit:1', code: 1, signal: null, durationMs: 12, stderrTail: `ECONNREFUSED ${i}\n`, iteration: i });
  return latch(m, { reason: 'FAILURE_SPIKE', rule: 'spike transport:3/2m', message: '3 transport failures within 2m (limit 3)', exitCode: 80, at: at(5000) });
}
const now = new Date().toISOString();
const GOOD: Record<string, string> = {
  'state.json': JSON.stringify(goodMemory(), null, 2) + '\n',
  'inflight.json': JSON.stringify({ schema: 1, iteration: 5, pid: 999_999, pidStartTime: '1', wrapperPid: 999_998, startedAt: now, command: 'job' }),
  'child-heartbeat.json': JSON.stringify({ schema: 1, time: now, pid: 999_999, iteration: 5, progress: 'p1', step: null, cost: 1.5, beats: 3, action: null }),
};
const READERS: Record<string, (dir: string) => unknown> = {
  'state.json': (dir) => loadMemory(dir, 'job'),
  'inflight.json': readInflight,
  'child-heartbeat.json': readChildHeartbeat,
};
const FILES = Object.keys(GOOD);

// ---- the in-process property: 78 naming the file, or a memory the policy can use -----------------

const scratch = (() => {
  const dir = stateDir();
  mkdirSync(dir, { mode: 0o700 });
  return dir;
})();

/** Put `content` in `file` of the scratch dir and read it with the project's reader. */
function readBack(file: string, content: string | Uint8Array): { ok: true; value: unknown } | { ok: false; error: unknown } {
  figures.readerCases++;
  const p = path.join(scratch, file);
  writeFileSync(p, content, { mode: 0o600 });
  try {
    return { ok: true, value: READERS[file](scratch) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    unlinkSync(p);
  }
}

function expectRefusedOrUsable(file: string, r: ReturnType<typeof readBack>): void {
  if (!r.ok) {
    expect(r.error, String((r.error as Error)?.stack)).toBeInstanceOf(UserError);
    const e = r.error as UserError;
    expect(e.exitCode).toBe(78);
    expect(e.message).toContain(path.join(scratch, file));
    expect(e.message).toMatch(/\bmv |\brm |chown|chmod|upgrade safehalt/);
    expect(e.message.split('\n')).toHaveLength(1);
    return;
  }
  if (file !== 'state.json') return;
  // Accepted: the policy must be able to work with it without throwing.
  const m = r.value as Memory;
  const c = cfg({ mode: 'service' });
  decideAfterRun(m, { cls: 'exit:1', outcome: { code: 1, signal: null, durationMs: 1, stderrTail: '' }, iterationsThisRun: 0, usage: { restarts: m.restarts, cost: m.costTotal, runtimeMs: 0 }, now: at(10_000), random: () => 0.5 }, c, {});
  checkBudgets({ restarts: m.restarts - m.budgetBase.restarts, cost: m.costTotal - m.budgetBase.cost, runtimeMs: 0 }, c);
  JSON.stringify(buildStopReport({ reason: 'FAILURE_SPIKE', exitCode: 80, message: 'x', rule: 'r', memory: m, now: at(10_000), cfg: { ...c, stateDir: '/x', name: 'job' } as never, name: 'job', stateDir: '/x', command: ['job'], requestedBy: null }));
}

/** Replace the value at a random path of a JSON object. */
function mutate(v: unknown, pathSel: number[], replacement: unknown): unknown {
  if (pathSel.length === 0 || typeof v !== 'object' || v === null) return replacement;
  const keys = Object.keys(v as object);
  if (keys.length === 0) return replacement;
  const k = keys[pathSel[0] % keys.length];
  const copy: Record<string, unknown> = Array.isArray(v) ? ([...v] as never) : { ...(v as object) };
  copy[k] = mutate((v as Record<string, unknown>)[k], pathSel.slice(1), replacement);
  return copy;
}

// Deep nesting cannot go through JSON.stringify (it recurses): a marker string stands for it and
// is replaced by the raw text after serialising.
const DEEP = /"@@deep:(\d+)@@"/g;
const nested = (depth: number): string => `@@deep:${depth}@@`;
const toJson = (v: unknown): string => JSON.stringify(v).replace(DEEP, (_, d) => '['.repeat(Number(d)) + '1' + ']'.repeat(Number(d)));

const huge = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 60, -(2 ** 60), 2 ** 53, Number.MAX_SAFE_INTEGER + 2, -1, 0.5, -0, 1e-308),
  fc.constantFrom('x'.repeat(1 << 20), '\u0000'.repeat(1000), '\uD800', 'é'.repeat(70_000)),
  fc.integer({ min: 100, max: 20_000 }).map((d) => nested(d)),
  fc.constantFrom({}, [], null, true, '1', ''),
);

describe('hostile state through the project readers (fast-check)', () => {
  it.each(FILES)('%s truncated at every byte: refused, named, with the fix', (file) => {
    const text = GOOD[file];
    for (let n = 0; n < text.trimEnd().length; n++) {
      const r = readBack(file, text.slice(0, n));
      expect(r.ok, `${file} cut at ${n} was accepted`).toBe(false);
      expectRefusedOrUsable(file, r);
    }
  });

  it.each(FILES)('%s with random bytes', (file) => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => expectRefusedOrUsable(file, readBack(file, bytes))), { numRuns: 400, seed: SEED });
  });

  it.each(FILES)('%s as random JSON of the wrong shape', (file) => {
    fc.assert(fc.property(fc.jsonValue(), (v) => expectRefusedOrUsable(file, readBack(file, JSON.stringify(v)))), { numRuns: 400, seed: SEED });
  });

  it.each(FILES)('%s with one field replaced by a random JSON value', (file) => {
    const good = JSON.parse(GOOD[file]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), (sel, v) => expectRefusedOrUsable(file, readBack(file, toJson(mutate(good, sel, v))))),
      { numRuns: 600, seed: SEED },
    );
  });

  it.each(FILES)('%s with huge values, long strings and deep nesting in a field', (file) => {
    const good = JSON.parse(GOOD[file]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), huge, (sel, v) => expectRefusedOrUsable(file, readBack(file, toJson(mutate(good, sel, v))))),
      { numRuns: 300, seed: SEED },
    );
  });

  it('a future or unknown schema version of state.json is refused as such', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 2, max: 2 ** 31 }), fc.constantFrom(2 ** 53, 0, -1, 1.5, '1', null)), (schema) => {
        const r = readBack('state.json', JSON.stringify({ ...goodMemory(), schema }));
        expect(r.ok).toBe(false);
        expectRefusedOrUsable('state.json', r);
        if (typeof schema === 'number' && Number.isSafeInteger(schema) && schema > 1) expect((r as { error: Error }).error.message).toContain('newer than this safehalt');
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});

// ---- the real binary: a representative sample ---------------------------------------------------

interface Planted {
  dir: string;
  file: string;
  starts: string;
}

/** A job that has run once (every state file present), then `file` replaced by `content`. */
async function plant(file: string, content: string | Uint8Array): Promise<Planted> {
  const dir = stateDir();
  const starts = path.join(tempDir(), 'starts');
  mkdirSync(dir, { mode: 0o700 });
  for (const [f, text] of Object.entries(GOOD)) writeFileSync(path.join(dir, f), f === 'state.json' ? JSON.stringify(freshMemory('job')) : text, { mode: 0o600 });
  writeFileSync(path.join(dir, 'inflight.json'), JSON.stringify({ ...JSON.parse(GOOD['inflight.json']), pid: null }), { mode: 0o600 });
  writeFileSync(path.join(dir, file), content, { mode: 0o600 });
  // An old mtime, so that any rewrite shows.
  utimesSync(path.join(dir, file), 1_000_000, 1_000_000);
  return { dir, file, starts };
}

const snapshot = (p: string) => {
  const st = lstatSync(p);
  return { bytes: st.isSymbolicLink() ? null : readFileSync(p).toString('base64'), mtime: st.mtimeMs, ino: st.ino, link: st.isSymbolicLink() };
};

async function expectRefusedByBinary(p: Planted, fix: RegExp = /\bmv |\brm |chown|chmod|upgrade safehalt/): Promise<void> {
  figures.binaryCases++;
  const target = path.join(p.dir, p.file);
  const before = snapshot(target);
  const r = await cli(['run', '--mode', 'once', '--state-dir', p.dir, '--', 'sh', '-c', `echo x >> ${p.starts}`]);
  expect(r.code, r.stderr).toBe(78);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(target);
  expect(lines[0]).toMatch(fix);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(existsSync(p.starts)).toBe(false);
  expect(snapshot(target)).toEqual(before);
}

describe('hostile state through the binary (a sample)', () => {
  const rnd = fc.sample(fc.tuple(fc.constantFrom(...FILES), fc.nat()), { numRuns: 8, seed: SEED });
  it.each(rnd)('%s truncated (case %i)', async (file, n) => {
    const text = GOOD[file];
    await expectRefusedByBinary(await plant(file, text.slice(0, n % text.length)));
  });

  const bytes = fc.sample(fc.tuple(fc.constantFrom(...FILES), fc.uint8Array({ minLength: 1, maxLength: 200 })), { numRuns: 4, seed: SEED });
  it.each(bytes)('%s of random bytes', async (file, b) => {
    await expectRefusedByBinary(await plant(file, b));
  });

  const shapes: Array<[string, unknown]> = [
    ['state.json', [1, 2, 3]],
    ['state.json', { ...goodMemory(), runs: -1 }],
    ['state.json', { ...goodMemory(), failures: 1e308 }],
    ['state.json', { ...goodMemory(), consecutiveFailures: 2 ** 60 }],
    ['state.json', { ...goodMemory(), name: 'x'.repeat(100_000) }],
    ['state.json', { ...goodMemory(), classCounts: nested(50_000) }],
    ['state.json', { ...goodMemory(), recent: Array.from({ length: 5000 }, () => goodMemory().recent[0]) }],
    ['state.json', { ...goodMemory(), schema: 2 }],
    ['state.json', { ...goodMemory(), latch: { ...goodMemory().latch, reason: 'RM_RF' } }],
    ['inflight.json', { schema: 1, iteration: 'five' }],
    ['inflight.json', { ...JSON.parse(GOOD['inflight.json']), schema: 7 }],
    ['child-heartbeat.json', { ...JSON.parse(GOOD['child-heartbeat.json']), cost: 1e308 }],
    ['child-heartbeat.json', { ...JSON.parse(GOOD['child-heartbeat.json']), action: { name: nested(30_000) } }],
  ];
  it.each(shapes)('%s of the wrong shape or with huge values (%#)', async (file, v) => {
    await expectRefusedByBinary(await plant(file, toJson(v)));
  });

  it('state.json owned by another user', async () => {
    const p = await plant('state.json', JSON.stringify(goodMemory()));
    chownSync(path.join(p.dir, 'state.json'), 65534, 65534);
    await expectRefusedByBinary(p, /chown/);
  });

  it('a state directory owned by another user, or writable by group or others', async () => {
    const p = await plant('state.json', JSON.stringify(goodMemory()));
    for (const mode of [0o770, 0o707, 0o777, 0o720]) {
      chmodSync(p.dir, mode);
      const r = await cli(['run', '--mode', 'once', '--state-dir', p.dir, '--', 'sh', '-c', `echo x >> ${p.starts}`]);
      expect([mode, r.code, r.stderr]).toEqual([mode, 78, expect.stringContaining(`chmod 700 ${p.dir}`)]);
      figures.binaryCases++;
    }
    chmodSync(p.dir, 0o700);
    chownSync(p.dir, 65534, 65534);
    const r = await cli(['run', '--mode', 'once', '--state-dir', p.dir, '--', 'sh', '-c', `echo x >> ${p.starts}`]);
    figures.binaryCases++;
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/owned by uid 65534.*chown/);
    expect(existsSync(p.starts)).toBe(false);
  });
});

describe('symbolic links planted in the state directory', () => {
  const planted = ['state.json', 'inflight.json', 'child-heartbeat.json', 'heartbeat.json', 'stop-reason.json', 'events.jsonl', 'lock-owner.json'];
  it.each(planted)('a link in place of %s: exit 78 naming it, the target neither read into memory nor written', async (file) => {
    figures.symlinkCases++;
    const p = await plant('state.json', JSON.stringify(freshMemory('job')));
    const target = path.join(tempDir(), 'precious');
    writeFileSync(target, file === 'state.json' ? JSON.stringify(goodMemory()) : 'precious\n');
    utimesSync(target, 1_000_000, 1_000_000);
    const before = { bytes: readFileSync(target, 'utf8'), mtime: statSync(target).mtimeMs };
    const link = path.join(p.dir, file);
    if (existsSync(link)) unlinkSync(link);
    symlinkSync(target, link);
    const r = await cli(['run', '--mode', 'once', '--state-dir', p.dir, '--', 'sh', '-c', `echo x >> ${p.starts}`]);
    expect(r.code, r.stderr).toBe(78);
    expect(r.stderr).toContain(link);
    expect(r.stderr).toMatch(/symbolic link.*\brm /);
    expect(existsSync(p.starts)).toBe(false);
    expect({ bytes: readFileSync(target, 'utf8'), mtime: statSync(target).mtimeMs }).toEqual(before);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('a link in place of the state directory itself', async () => {
    figures.symlinkCases++;
    const real = stateDir();
    mkdirSync(real, { mode: 0o700 });
    const link = path.join(tempDir(), 'job');
    symlinkSync(real, link);
    const r = await cli(['run', '--mode', 'once', '--state-dir', link, '--', 'true']);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`state directory ${link} is a symbolic link`);
    expect(existsSync(path.join(real, 'state.json'))).toBe(false);
  });
});
