// Mistakes on the command line, in the environment and in --config files: one line that names the
// flag, the variable or the key (exit 64), or a warning with "did you mean"; never "Unknown
// argument: 5", never an internal error.
import { describe, expect, it } from 'vitest';
import { writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { cli, stateDir, tempDir } from '../helpers/cli.ts';
import { RUN_GROUPS } from '../../src/cli/run-options.ts';

const own = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('safehalt:') && !l.startsWith('safehalt: Run '));
const NUMERIC = /^(\d+(\.\d+)?(ms|s|m|h)?|0)$/; // a flag whose default is a number or a duration

describe('every flag of run with a negative or garbage value', () => {
  const flags = Object.values(RUN_GROUPS).flatMap((g) => Object.entries(g)).filter(([, o]) => o.type !== 'boolean');
  const cases = flags.flatMap(([flag, o]) => ['-5s', '-1', 'garbage!'].map((v) => [flag, v, NUMERIC.test(String([o.default].flat()[0] ?? ''))] as const));
  it.each(cases)('--%s %s', async (flag, value, numeric) => {
    const cwd = tempDir();
    const mode = flag === 'mode' ? [] : ['--mode', 'once'];
    const r = await cli(['run', ...mode, '--state-dir', path.join(cwd, 'job'), `--${flag}`, value, '--', 'true'], { cwd });
    expect(r.stderr).not.toMatch(/Unknown argument|internal error|\n\s+at /);
    if (numeric || flag === 'mode' || flag === 'restart' || flag === 'orphan' || flag === 'log-format') expect(r.code).toBe(64);
    if (r.code === 64) {
      expect(own(r.stderr)).toHaveLength(1);
      expect(own(r.stderr)[0]).toContain(`--${flag}`);
    }
  });
});

describe('a command without --', () => {
  it('run --mode once ls -la /dir says "put -- before the command", once', async () => {
    const r = await cli(['run', '--mode', 'once', 'ls', '-la', '/tmp']);
    expect(r.code).toBe(64);
    expect(own(r.stderr)).toEqual(['safehalt: put -- before the command: safehalt run [options] -- ls -la /tmp']);
  });
  it('an unknown flag with a value is still an unknown flag', async () => {
    const r = await cli(['run', '--frobnicate', 'x', '--', 'true']);
    expect(own(r.stderr)).toEqual(['safehalt: Unknown argument: --frobnicate.']);
  });
});

describe('empty values and --config', () => {
  it.each([['--name'], ['--state-dir'], ['--metrics-file'], ['--on-halt'], ['--spike']])('%s \'\' is refused', async (flag) => {
    const r = await cli(['run', '--mode', 'once', flag, '', '--', 'true'], { env: { XDG_STATE_HOME: tempDir() } });
    expect(r.code).toBe(64);
    expect(own(r.stderr)).toEqual([`safehalt: ${flag}: expected a value, got an empty string (leave the option out for its default)`]);
  });
  it('--config \'\' is refused', async () => {
    const r = await cli(['run', '--config', '', '--', 'true']);
    expect(r.code).toBe(64);
    expect(own(r.stderr)).toEqual(['safehalt: --config: expected the path of a JSON file, got an empty string']);
  });
  it('--config twice is one line, not an internal error', async () => {
    const f = path.join(tempDir(), 'a.json');
    writeFileSync(f, '{}');
    const r = await cli(['run', '--config', f, '--config', f, '--', 'true']);
    expect(r.code).toBe(64);
    expect(own(r.stderr)).toEqual([expect.stringMatching(/^safehalt: --config was given 2 times .*give it once/)]);
  });
  it('"on-halt": ["touch", "F G"] runs touch with one argument "F G"', async () => {
    const d = tempDir();
    const f = path.join(d, 'job.json');
    writeFileSync(f, JSON.stringify({ 'on-halt': ['touch', path.join(d, "it's F G")], 'max-consecutive-failures': 1, mode: 'once' }));
    const r = await cli(['run', '--config', f, '--state-dir', stateDir(), '--', 'false']);
    expect(r.code).toBe(80);
    expect(existsSync(path.join(d, "it's F G"))).toBe(true);
  });
  it.each([
    [{ maxConsecutiveFailure: 1 }, '"maxConsecutiveFailure" is not an option of safehalt run. Did you mean "max-consecutive-failures"?'],
    [{ quiet: 'yes' }, '"quiet" takes true or false, got "yes"'],
    [{ mode: ['once', 'loop'] }, '"mode" takes one value, a string or a number, got ["once","loop"]'],
    [{ timeout: null }, '"timeout" takes one value, a string or a number, got null'],
    [{ 'on-halt': ['touch', 1] }, '"on-halt" takes a command: a string, or an array of strings (its argv), got ["touch",1]'],
    [{ spike: [{}] }, '"spike" takes a list of strings, got [{}]'],
  ])('config %j', async (config, message) => {
    const f = path.join(tempDir(), 'job.json');
    writeFileSync(f, JSON.stringify(config));
    const r = await cli(['run', '--config', f, '--', 'true']);
    expect(r.code).toBe(64);
    expect(own(r.stderr)).toEqual([`safehalt: --config ${f}: ${message}`]);
  });
});

describe('SAFEHALT_* variables that are not options', () => {
  it('warns with "did you mean", and the job still runs', async () => {
    const r = await cli(['run', '--mode', 'once', '--quiet', '--state-dir', stateDir(), '--', 'true'], { env: { SAFEHALT_MAX_CONSECUTIVE_FAILURE: '1', SAFEHALT_QIET: '1' } });
    expect(r.code).toBe(0);
    expect(own(r.stderr)).toEqual([
      'safehalt: warning: SAFEHALT_MAX_CONSECUTIVE_FAILURE is not a safehalt variable; it is ignored. Did you mean SAFEHALT_MAX_CONSECUTIVE_FAILURES?',
      'safehalt: warning: SAFEHALT_QIET is not a safehalt variable; it is ignored. Did you mean SAFEHALT_QUIET?',
    ]);
  });
  it('says nothing of the variables safehalt sets for a child, nor of options of other commands', async () => {
    const env = { SAFEHALT_ITERATION: '3', SAFEHALT_FD: '3', SAFEHALT_STOP_REASON_FILE: '/x', SAFEHALT_PREVIOUS_INTERRUPTED: '1', SAFEHALT_REASON: 'x', SAFEHALT_DEBUG: '1', SAFEHALT_CONTENT_HASH: 'ab' };
    const r = await cli(['run', '--mode', 'once', '--quiet', '--state-dir', stateDir(), '--', 'true'], { env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });
  it('an empty SAFEHALT_NAME= counts as unset', async () => {
    const r = await cli(['run', '--mode', 'once', '--quiet', '--state-dir', stateDir(), '--', 'true'], { env: { SAFEHALT_NAME: '' } });
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });
});
