// The short commands write their output to fd 1 directly and build process.stderr only when they
// write to it (src/log/stdout.ts, src/log/stdio.ts): the output must read as it did through the
// streams, to a pipe, a file and a reader that went away, and a warning must still reach stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cliArgv } from '../helpers/cli.ts';

const dir = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'safehalt-output-fd-')), 'job');
const sh = (script: string, ...args: string[]) => {
  const [bin, argv] = cliArgv(args);
  return spawnSync('bash', ['-c', script, 'bash', bin, ...argv], { env: cleanEnv(), encoding: 'utf8' });
};

describe('output of the short commands', () => {
  it('stop prints its whole line to a pipe and to a file', () => {
    const d = dir();
    const piped = sh('"$@" | cat', 'stop', '--state-dir', d);
    expect(piped.stdout).toMatch(/^stop file written \(.*\): no run is active; 'safehalt run' will not start the job until: safehalt resume .*\n$/);
    const out = path.join(path.dirname(d), 'out.txt');
    const filed = sh(`"$@" > ${out}`, 'resume', '--state-dir', d);
    expect(filed.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('resumed: removed the stop file.\n');
  });

  it('status to a reader that went away: no stack trace, exit 85 (paused) as without the pipe', () => {
    const d = dir();
    sh('"$@" > /dev/null', 'pause', '--state-dir', d);
    const r = sh('"$@" 2>&1 | true; echo "rc=${PIPESTATUS[0]}"', 'status', '--state-dir', d);
    expect(r.stdout).not.toMatch(/internal error|Error:|    at /);
    expect(r.stdout).toBe('rc=85\n');
  });

  it('a usage error still reaches stderr', () => {
    const r = sh('"$@"', 'item', 'check', '', '--state-dir', dir());
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/^safehalt: .*item ID cannot be empty/);
  });
});

describe('output of the other commands to a reader that went away', () => {
  it.each([
    ['unit', ['unit', 'job', '--', '/bin/true']],
    ['completion', ['completion', 'bash']],
  ])('%s: no stack trace, exit 0', (_name, args) => {
    const r = sh('"$@" 2>&1 | true; echo "rc=${PIPESTATUS[0]}"', ...args);
    expect(r.stdout).toBe('rc=0\n');
  });
});
