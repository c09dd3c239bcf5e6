// Errors a user can cause: one clear line, the documented exit code, never a stack trace.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, stateDir, tempDir } from '../helpers/cli.ts';

const oneLine = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('safehalt:'));

describe('usage errors (exit 64)', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no command', ['run', '--state-dir', '/tmp/x'], /missing command/],
    ['no --', ['run', '--state-dir', '/tmp/x', 'ls'], /put -- before the command/],
    ['bad duration', ['run', '--min-uptime', 'soon', '--', 'true'], /--min-uptime: expected a duration/],
    ['negative duration', ['run', '--interval=-5s', '--mode', 'loop', '--', 'true'], /--interval: a duration cannot be negative/],
    ['absurd duration', ['run', '--timeout', '100y', '--', 'true'], /--timeout: .*more than a year/],
    ['bad mode', ['run', '--mode', 'forever', '--', 'true'], /--mode: expected one of service, loop, once, got "forever"/],
    ['bad count', ['run', '--max-consecutive-failures', '2.5', '--', 'true'], /--max-consecutive-failures: expected a whole number/],
    ['bad spike', ['run', '--spike', 'transport', '--', 'true'], /--spike: expected CLASS:N\/DURATION/],
    ['bad regex', ['run', '--classify', 'x=/(/', '--', 'true'], /--classify: "\(" is not a valid regular expression/],
    ['bad classify-exit', ['run', '--classify-exit', '300=x', '--', 'true'], /--classify-exit: expected CODE=NAME/],
    ['jitter out of range', ['run', '--backoff-jitter', '2', '--', 'true'], /--backoff-jitter: expected a number from 0 to 1/],
    ['max below initial', ['run', '--backoff-initial', '10s', '--backoff-max', '1s', '--', 'true'], /--backoff-max .* must not be below/],
    ['unknown flag', ['run', '--frobnicate', '--', 'true'], /Unknown argument/],
    ['unknown command', ['frobnicate'], /Unknown argument|Did you mean/],
    ['bad name', ['status', '--name', '../etc'], /--name: expected letters/],
    ['unbounded hook', ['run', '--on-halt', 'true', '--on-halt-timeout', '0', '--', 'true'], /--on-halt-timeout: expected a duration above 0/],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    const r = await cli(args, { env: { XDG_STATE_HOME: stateDir() } });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(/);
    expect(oneLine(r.stderr).length).toBeGreaterThanOrEqual(1);
  });

  it('--version and --help work', async () => {
    expect((await cli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await cli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--max-consecutive-failures');
  });

  it('options come from SAFEHALT_* variables and from a --config file', async () => {
    const r = await cli(['run', '--', 'true'], { env: { SAFEHALT_MODE: 'bogus', SAFEHALT_STATE_DIR: stateDir() } });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--mode: expected one of service, loop, once, got "bogus"');
    const conf = path.join(tempDir(), 'job.json');
    writeFileSync(conf, JSON.stringify({ mode: 'once', 'state-dir': stateDir() }));
    const fromFile = await cli(['run', '--config', conf, '--', 'sh', '-c', 'exit 7']);
    expect(fromFile.code).toBe(7); // once mode: the child's status passes through
  });
});
