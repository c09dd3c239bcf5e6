// The pure parts of output handling: what --quiet keeps, how json splits lines, when a lasting
// condition is said again, how the command line is read before yargs.
import { describe, expect, it } from 'vitest';
import { KeptOutput } from '../../src/child/kept-output.ts';
import type { OutputSink, Stream } from '../../src/child/output.ts';
import { jsonLines } from '../../src/log/child-lines.ts';
import { shouldSay } from '../../src/supervisor/notices.ts';
import { checkArgv } from '../../src/cli/argv-check.ts';

const collect = () => {
  const got: Array<[Stream, string]> = [];
  const sink: OutputSink = { write: (s, c) => void got.push([s, c.toString()]), end: () => undefined };
  return { got, sink };
};

describe('KeptOutput', () => {
  it('keeps everything under the bounds, in order, streams apart', () => {
    const k = new KeptOutput(4, 4);
    k.write('stdout', Buffer.from('ab'));
    k.write('stderr', Buffer.from('cd'));
    const { got, sink } = collect();
    k.replay(sink);
    expect(got).toEqual([['stdout', 'ab'], ['stderr', 'cd']]);
  });
  it('keeps the head and the tail, and says how much was cut between', () => {
    const k = new KeptOutput(3, 3);
    for (const w of ['abcd', 'efgh', 'ij']) k.write('stdout', Buffer.from(w));
    const { got, sink } = collect();
    k.replay(sink);
    expect(got.map(([, t]) => t).join('')).toBe('abc\n[... 4 bytes cut]\nhij');
    expect(k.cut).toBe(4);
  });
});

describe('jsonLines', () => {
  const run = (chunks: string[], limit = 8) => {
    const out: string[] = [];
    const s = jsonLines('j', (_stream, d) => void out.push(String(d)), limit);
    for (const c of chunks) s.write('stderr', Buffer.from(c));
    s.end();
    return out.map((l) => JSON.parse(l)).map((r) => [r.text, r.partial ?? false]);
  };
  it('one record a line, across chunks; a last line without newline still counts', () => {
    expect(run(['a\nb', 'c\n', 'd'])).toEqual([['a', false], ['bc', false], ['d', false]]);
  });
  it('splits long lines at the limit, never inside a UTF-8 character', () => {
    expect(run(['1234567890\n'])).toEqual([['12345678', true], ['90', false]]);
    expect(run(['1234567é\n'])).toEqual([['1234567', true], ['é', false]]);
  });
});

describe('shouldSay', () => {
  const day = 24 * 3600 * 1000;
  it.each([
    [null, 'a', 0, Infinity, true],
    [{ key: 'a', at: 0 }, 'a', 10 * day, Infinity, false],
    [{ key: 'a', at: 0 }, 'b', 1, Infinity, true],
    [{ key: 'a', at: 0 }, 'a', day - 1, day, false],
    [{ key: 'a', at: 0 }, 'a', day, day, true],
    [{ key: 'a', at: 1000 }, 'a', 0, day, true], // the clock went back: say it
  ] as const)('%j %s at %d (repeat %d) -> %s', (prev, key, now, repeat, want) => {
    expect(shouldSay(prev, key, now, repeat)).toBe(want);
  });
});

describe('checkArgv', () => {
  const kinds = new Map([['timeout', 'value'], ['quiet', 'boolean'], ['spike', 'list'], ['config', 'value']] as const);
  it.each([
    [['run', '--timeout', '-5s', '--', 'x'], ['run', '--timeout=-5s', '--', 'x']],
    [['run', '--quiet', '--timeout', '5s', '--', 'ls', '-la'], ['run', '--quiet', '--timeout', '5s', '--', 'ls', '-la']],
    [['run', '--timeout', '--quiet', '--', 'x'], ['run', '--timeout', '--quiet', '--', 'x']],
  ])('%j', (argv, want) => expect(checkArgv(argv, kinds, 'run')).toEqual(want));
  it.each([
    [['run', 'ls', '-la'], /put -- before the command: safehalt run \[options\] -- ls -la/],
    [['run', '--quiet', '-la'], /put -- before the command/],
    [['run', '--config', 'a', '--config=b', '--', 'x'], /--config was given 2 times/],
    [['run', '--config=', '--', 'x'], /--config: expected the path/],
  ])('%j is refused', (argv, message) => expect(() => checkArgv(argv, kinds, 'run')).toThrow(message));
});
