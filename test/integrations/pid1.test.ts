// As PID 1 of a PID namespace (a container without --init), `run` warns once that orphans will not
// be reaped; under an init, or as any other pid, it says nothing.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { PID1_WARNING, warnIfPid1 } from '../../src/integrations/pid1.ts';
import { cleanEnv, cliArgv, stateDir } from '../helpers/cli.ts';

const recorder = () => {
  const lines: string[] = [];
  return { lines, log: { error: () => {}, info: () => {}, warn: (m: string) => void lines.push(m) } };
};

describe('warnIfPid1', () => {
  it('warns as pid 1 only', () => {
    const a = recorder();
    expect(warnIfPid1(a.log, 1)).toBe(true);
    expect(a.lines).toEqual([PID1_WARNING]);
    const b = recorder();
    expect(warnIfPid1(b.log, 4242)).toBe(false);
    expect(b.lines).toEqual([]);
  });
});

// unshare(1) makes a new PID namespace in which safehalt is PID 1, as in a container (needs root).
const canUnshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;

describe.skipIf(!canUnshare)('run as PID 1', () => {
  it('warns once, and still runs the job', () => {
    const [cmd, args] = cliArgv(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'sh', '-c', 'exit 0']);
    const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', cmd, ...args], { env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stderr.split(PID1_WARNING).length - 1).toBe(1);
  });
  it('under an init (here: a shell as PID 1) it does not warn', () => {
    const [cmd, args] = cliArgv(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'true']);
    const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', '"$@"; exit $?', 'sh', cmd, ...args], { env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('PID 1');
  });
});
