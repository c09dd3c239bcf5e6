// Bad input everywhere: every `run` flag fuzzed (wrong types, negative and absurd durations, values
// a --config file can carry), unknown flags, a missing `--`, item IDs with control characters.
// In-process through buildRunConfig for thousands of cases; a sample through the binary. Never a
// stack trace; always exit 64 (usage) or 78 (configuration), and nothing started or written.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RUN_GROUPS, RUN_OPTION_NAMES } from '../../src/cli/run-options.ts';
import { buildRunConfig } from '../../src/cli/run-config.ts';
import { UserError } from '../../src/exit-codes.ts';
import { cli, stateDir, tempDir } from '../helpers/cli.ts';
import { SEED } from './random.ts';
import { record } from './figures.ts';

const figures = { configCases: 0, binaryCases: 0 };
afterAll(() => record('bad-input', figures));

const DEFAULTS: Record<string, unknown> = Object.fromEntries(
  Object.values(RUN_GROUPS).flatMap((g) => Object.entries(g).filter(([, o]) => o.default !== undefined).map(([k, o]) => [k, o.default])),
);

const nasty = fc.oneof(
  fc.constantFrom('', ' ', '-1', '-5s', '-0', 'NaN', 'Infinity', '1e309', '1e21', '0x10', '1_000', '10y', '999999999999d', '5 m', '5mm', 'ms', '1.5', '.5', '5.', '+3', '٣', '１', '--', '-', '=', 'true', 'null', '[]', '{}'),
  fc.constantFrom('\u0000', '\n', '\u001b[31m', 'a'.repeat(100_000), '../../etc/passwd', '$(touch /tmp/pwned)', '`id`', ';rm -rf /'),
  fc.string(),
  fc.integer().map(String),
  fc.double().map(String),
);
// What a --config JSON file can put in place of a string.
const anyJson = fc.oneof(nasty, fc.jsonValue({ maxDepth: 2 }), fc.array(nasty, { maxLength: 3 }));

const NUMERIC_BOUNDS: Record<string, [number, number]> = { backoffFactor: [1, 100], backoffJitter: [0, 1], loopRepeats: [0, 16] };

function expectConfigOrUsage(flag: string, value: unknown): void {
  figures.configCases++;
  let c;
  try {
    c = buildRunConfig({ ...DEFAULTS, 'state-dir': '/tmp/x', [flag]: value }, ['true']);
  } catch (e) {
    expect(e, String((e as Error)?.stack)).toBeInstanceOf(UserError);
    expect([64, 78]).toContain((e as UserError).exitCode);
    expect((e as Error).message.length).toBeLessThan(2000);
    return;
  }
  // Accepted: every number is finite, never negative, durations at most a year.
  for (const [k, v] of Object.entries(c)) {
    if (typeof v !== 'number') continue;
    expect([k, Number.isFinite(v) && v >= 0]).toEqual([k, true]);
    if (k.endsWith('Ms')) expect([k, v <= 366 * 24 * 3600 * 1000]).toEqual([k, true]);
    const b = NUMERIC_BOUNDS[k];
    if (b) expect([k, v >= b[0] && v <= b[1]]).toEqual([k, true]);
  }
}

describe('every run flag, fuzzed, in process', () => {
  it.each(RUN_OPTION_NAMES)('--%s', (flag) => {
    fc.assert(fc.property(anyJson, (v) => expectConfigOrUsage(flag, v)), { numRuns: 150, seed: SEED });
  });

  it('durations: negative, absurd, malformed', () => {
    for (const flag of ['interval', 'timeout', 'kill-timeout', 'backoff-initial', 'backoff-max', 'within', 'min-uptime', 'max-runtime', 'heartbeat-interval', 'stall-timeout', 'wait-lock', 'probe-after', 'probe-max', 'on-halt-timeout'])
      for (const v of ['-1s', '-1', '100y', '1e12', '366d', '9007199254740993ms', 'ms', '1 h', '1h30m'])
        expectConfigOrUsage(flag, v);
  });
});

describe('bad input through the binary', () => {
  async function expectUsage(args: string[], codes = [64], env: Record<string, string> = {}) {
    figures.binaryCases++;
    const dir = stateDir();
    const marker = path.join(tempDir(), 'ran');
    const r = await cli(['run', '--state-dir', dir, ...args.map((a) => a.replace('@MARK@', marker))], { env });
    expect(codes, `${args.join(' ')} -> ${r.code}: ${r.stderr}`).toContain(r.code);
    expect(r.stderr).toMatch(/^safehalt: /);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error|TypeError|RangeError/);
    expect(r.stderr.split('\n').length).toBeLessThanOrEqual(4);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  }
  const run = ['--mode', 'once', '--', 'touch', '@MARK@'];

  const sample = fc.sample(fc.tuple(fc.constantFrom(...RUN_OPTION_NAMES.filter((f) => f !== 'quiet' && f !== 'stop-file' && f !== 'metrics-file' && f !== 'on-halt')), fc.constantFrom('-5s', 'NaN', '1e309', 'ten', '', '\u001b[31m', '999999999d', '-1')), { numRuns: 30, seed: SEED });
  it.each(sample)('--%s %j', async (flag, value) => {
    // Some of these values are fine for some flags (a count of -1 is not; '' may be): 0 is allowed then.
    await expectUsageOrRun(flag, value);
  });

  async function expectUsageOrRun(flag: string, value: string) {
    figures.binaryCases++;
    const dir = stateDir();
    const r = await cli(['run', '--state-dir', dir, `--${flag}=${value}`, '--mode', 'once', '--', 'true']);
    expect([0, 64], `--${flag}=${value}: ${r.stderr}`).toContain(r.code);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    if (r.code === 64) expect(r.stderr).toContain(`--${flag}`);
  }

  it.each([
    [['--no-such-flag', '1', ...run]],
    [['--mode', 'once', '--backoff-inital', '1s', '--', 'touch', '@MARK@']],
    [['--mode', 'once', 'touch', '@MARK@']],
    [['--mode', 'once', '--']],
    [['--mode', 'once']],
    [['--mode', 'once', '--', '']],
    [['--mode', 'sometimes', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--mode', 'loop', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--spike', 'transport:3', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--spike', 'trans port:3/2m', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--classify', 'x=/(/', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--classify', 'x=/a/g', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--classify-exit', '256=x', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--backoff-initial', '10s', '--backoff-max', '1s', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--name', '../../etc', '--', 'touch', '@MARK@']],
    [['--mode', 'once', '--on-halt', '"unbalanced', '--', 'touch', '@MARK@']],
  ])('%j', async (args) => {
    await expectUsage(args);
  });

  it.each([
    ['not json at all', [64, 78]],
    ['{"mode": {"nested": [1, 2]}}', [64]],
    ['{"interval": -5}', [64]],
    ['{"max-failures": 1e400}', [64]],
    ['{"spike": [[["deep"]]]}', [64]],
    ['[1, 2, 3]', [64, 78]],
  ])('--config holding %s', async (content, codes) => {
    const file = path.join(tempDir(), 'config.json');
    writeFileSync(file, content);
    await expectUsage(['--config', file, ...run], codes);
  });

  it.each([
    ['SAFEHALT_MODE', 'bogus'],
    ['SAFEHALT_BACKOFF_INITIAL', '-1s'],
    ['SAFEHALT_MAX_CONSECUTIVE_FAILURES', 'many'],
    ['SAFEHALT_SPIKE', 'transport:x/1m'],
  ])('%s=%s in the environment', async (k, v) => {
    await expectUsage(k === 'SAFEHALT_MODE' ? ['--', 'touch', '@MARK@'] : run, [64], { [k]: v });
  });
});

describe('item IDs with control characters', () => {
  const bad = ['a\nb', 'a\rb', '\u001b[31mred', 'tab\there', 'bell\u0007', 'del\u007f', '', 'x'.repeat(2000), 'c1\u0085'];
  it.each(bad)('item check %j: exit 64, nothing written', async (id) => {
    figures.binaryCases++;
    const dir = stateDir();
    const r = await cli(['item', 'check', id, '--state-dir', dir]);
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(existsSync(path.join(dir, 'items'))).toBe(false);
  });

  it('item filter skips bad IDs on stdin without failing the batch, and never echoes control bytes', async () => {
    figures.binaryCases++;
    const dir = stateDir();
    const r = await cli(['item', 'filter', '--state-dir', dir], { input: 'good-1\nbad\u001b[2Jx\ngood-2\n' });
    expect([0, 64]).toContain(r.code);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  });
});
