// --log-format json: every line the child writes is a JSON record too, so the whole stream parses.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cleanEnv, cli, cliArgv, stateDir } from '../helpers/cli.ts';

const records = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('--log-format json wraps the child\'s lines', () => {
  it('stdout and stderr lines become {time, job, stream, text} records on their own stream', async () => {
    const r = await cli(['run', '--mode', 'once', '--log-format', 'json', '--name', 'ship', '--state-dir', stateDir(), '--', 'sh', '-c', 'echo out; echo "e r r" >&2; printf last']);
    expect(r.code).toBe(0);
    const out = records(r.stdout);
    const err = records(r.stderr);
    expect(out.map((x) => [x.stream, x.job, x.text])).toEqual([['stdout', 'ship', 'out'], ['stdout', 'ship', 'last']]);
    expect(err.filter((x) => x.stream).map((x) => [x.stream, x.text])).toEqual([['stderr', 'e r r']]);
    for (const x of [...out, ...err]) expect(Date.parse(String(x.time))).not.toBeNaN();
  });

  it('a line longer than 8 KiB is split into bounded records marked partial', async () => {
    const r = await cli(['run', '--mode', 'once', '--log-format', 'json', '--state-dir', stateDir(), '--', 'sh', '-c', 'head -c 20000 /dev/zero | tr "\\0" x >&2; echo >&2']);
    const parts = records(r.stderr).filter((x) => x.stream === 'stderr');
    expect(parts.map((x) => String(x.text).length)).toEqual([8192, 8192, 3616]);
    expect(parts.map((x) => x.partial ?? false)).toEqual([true, true, false]);
  });

  it('with --quiet a failing run prints its output as records after the failure record', async () => {
    const r = await cli(['run', '--mode', 'once', '--quiet', '--log-format', 'json', '--state-dir', stateDir(), '--', 'sh', '-c', 'echo why >&2; exit 4']);
    expect(r.code).toBe(4);
    expect(records(r.stderr).map((x) => x.level ?? x.stream)).toEqual(['warn', 'stderr']);
  });

  it('a reader of stdout that goes away (| head -1) does not end the wrapper', () => {
    const [bin, argv] = cliArgv(['run', '--mode', 'loop', '--max-iterations', '30', '--log-format', 'json', '--state-dir', stateDir(), '--', 'sh', '-c', 'echo line; echo line; echo line']);
    const r = spawnSync('bash', ['-c', '"$@" 2>/dev/null | head -1; echo "rc=${PIPESTATUS[0]}"', 'bash', bin, ...argv], { env: cleanEnv(), encoding: 'utf8' });
    expect(r.stdout).toMatch(/^\{.*"text":"line"\}\nrc=0\n$/);
  });
});
