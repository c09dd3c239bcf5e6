// "Did you mean": the edit distance, the choice of the closest name, and the messages end to end.
import { describe, expect, it } from 'vitest';
import { closest, editDistance, explainUnknown } from '../../src/cli/suggest.ts';
import { cli } from '../helpers/cli.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['abc', 'ab', 1],
    ['stauts', 'status', 1], // an adjacent swap is one edit
    ['kitten', 'sitting', 3],
  ])('%s → %s = %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));
});

describe('closest', () => {
  const opts = ['max-restarts', 'max-runtime', 'max-failures', 'json', 'watch', 'now'];
  it.each([
    ['max-restart', 'max-restarts'],
    ['max-runtim', 'max-runtime'],
    ['jsn', 'json'],
    ['wach', 'watch'],
    ['frobnicate', undefined],
    ['foo', undefined],
  ])('%s → %s', (word, hit) => expect(closest(word, opts)).toBe(hit));
});

describe('explainUnknown', () => {
  it('keeps the spelling typed, drops the camelCase twin, and suggests a flag', () => {
    expect(explainUnknown('Unknown arguments: max-restart, maxRestart', ['run', '--max-restart', '3'], ['max-restarts'], ['run'])).toBe(
      'Unknown argument: --max-restart. Did you mean --max-restarts?',
    );
  });
  it('suggests a command for an unknown word', () => {
    expect(explainUnknown('Unknown argument: stauts', ['stauts'], [], ['run', 'status'])).toBe('Unknown argument: stauts. Did you mean status?');
  });
});

describe('the CLI suggests the closest valid flag or command (exit 64)', () => {
  it.each([
    [['run', '--max-restart', '3', '--', 'true'], 'Unknown argument: --max-restart. Did you mean --max-restarts?', "'safehalt run --help'"],
    [['run', '--max-consecutive-failure=2', '--', 'true'], 'Did you mean --max-consecutive-failures?', "'safehalt run --help'"],
    [['status', '--jsn'], 'Unknown argument: --jsn. Did you mean --json?', "'safehalt status --help'"],
    [['stauts'], 'Unknown argument: stauts. Did you mean status?', "'safehalt --help'"],
    [['unit', 'x', '--usr', 'app', '--', 'true'], 'Did you mean --user?', "'safehalt unit --help'"],
    [['item', 'chek', 'x'], 'Did you mean check?', "'safehalt item --help'"],
  ])('%j', async (args, message, help) => {
    const r = await cli(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(help);
  });
});
