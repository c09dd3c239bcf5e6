// The fast parser (src/cli/fast/) against yargs: whatever line it accepts, it must read exactly as
// yargs reads it, for every hot command; lines it cannot read the same way it must decline.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import yargs from 'yargs';
import { PARSER_CONFIGURATION, type Command } from '../../src/cli/command.ts';
import { specOf, type CommandSpec } from '../../src/cli/fast/recorder.ts';
import { parseFast } from '../../src/cli/fast/parse.ts';
import { statusCommand } from '../../src/cli/status-command.ts';
import { stopCommand } from '../../src/cli/stop-command.ts';
import { pauseCommand } from '../../src/cli/pause-resume-command.ts';
import { resumeCommand } from '../../src/cli/resume-command.ts';
import { heartbeatCommand } from '../../src/cli/heartbeat-command.ts';
import { itemCommand } from '../../src/cli/item-command.ts';
import { runCommand } from '../../src/cli/run-command.ts';

const HOT: Array<[string, Command]> = [
  ['status', statusCommand], ['stop', stopCommand], ['pause', pauseCommand], ['resume', resumeCommand],
  ['heartbeat', heartbeatCommand], ['item', itemCommand], ['run', runCommand],
];

/** What yargs makes of `name ...argv` with main.ts's parser settings, or null when it refuses. */
function viaYargs(c: Command, argv: string[]): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
  let failed = false;
  yargs(argv)
    .parserConfiguration(PARSER_CONFIGURATION)
    .strict()
    .exitProcess(false)
    .fail(() => {
      failed = true;
    })
    // The handler is not run: the arguments are caught in a middleware.
    .middleware((a) => {
      out = { ...a };
    })
    .command(c.command, c.describe, c.builder, () => {
      /* not run */
    })
    .parse();
  return failed ? null : out;
}

const word = fc.stringMatching(/^[a-z0-9./_ :]{1,12}$/);
const junk = fc.constantFrom('-x', '--', '--bogus', '-', 'true', 'false', '--json=false', '', '--no-json', '--help', '--=x', 'check', 'ok');

function lineFor(name: string, spec: CommandSpec) {
  const flags = [...spec.options.keys()].filter((k) => k !== 'help' && k !== 'version');
  const flag = fc.tuple(fc.constantFrom(...flags), word, fc.boolean()).map(([k, v, eq]) => {
    const o = spec.options.get(k)!;
    if (o.type === 'boolean') return [`--${k}`];
    return eq ? [`--${k}=${v}`] : [`--${k}`, v];
  });
  const positional = spec.positionals.length ? fc.constantFrom('check', 'fail', 'ok', 'reset', 'list', 'filter', 'prune', 'id-1', '42', 'echo') : word;
  const rest = fc.array(fc.constantFrom('echo', '1e3', '-x', '--y', 'a b'), { maxLength: 3 }).map((r) => ['--', ...r]);
  const token = fc.oneof({ weight: 5, arbitrary: flag }, { weight: 2, arbitrary: positional.map((p) => [p]) }, { weight: 1, arbitrary: junk.map((j) => [j]) });
  return fc.tuple(fc.array(token, { maxLength: 6 }), fc.option(rest)).map(([parts, tail]) => [name, ...parts.flat(), ...(tail ?? [])]);
}

describe('fast path parser', () => {
  for (const [name, c] of HOT) {
    const spec = specOf(c);
    it(`${name}: its builder is fully understood by the recorder`, () => {
      expect(spec).not.toBeNull();
    });
    it(`${name}: every line it accepts reads as yargs reads it`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(lineFor(name, spec!), (line) => {
          const fast = parseFast(name, line.slice(1), spec!);
          if (fast === null) return;
          accepted++;
          const slow = viaYargs(c, line);
          expect(slow, `yargs refused ${JSON.stringify(line)} that the fast parser took`).not.toBeNull();
          // yargs turns a variadic positional's words into numbers where it can (run's stray words,
          // which only go into an error message as text): compared as text.
          const text = (key: string, v: unknown) => (spec!.positionals.find((p) => p.name === key)?.variadic && Array.isArray(v) ? v.map(String) : v);
          for (const key of [...spec!.options.keys(), ...spec!.positionals.map((p) => p.name), '--'])
            expect([key, text(key, fast[key])]).toEqual([key, key === '--' && slow![key] === undefined ? fast[key] : text(key, slow![key])]);
        }),
        { numRuns: 400 },
      );
      expect(accepted).toBeGreaterThan(20);
    });
  }

  it('declines what it cannot read as yargs does: unknown, repeated, negated, =value booleans, --help, flag-like values', () => {
    const spec = specOf(statusCommand)!;
    for (const rest of [['--bogus'], ['--json', '--json'], ['--no-json'], ['--json=false'], ['--help'], ['--name', '-x'], ['--name', ''], ['-j'], ['extra']])
      expect([rest, parseFast('status', rest, spec)]).toEqual([rest, null]);
    const hb = specOf(heartbeatCommand)!;
    expect(parseFast('heartbeat', ['--begin', 'x', '--end'], hb)).toBeNull();
    const item = specOf(itemCommand)!;
    expect(parseFast('item', ['nope', 'x'], item)).toBeNull();
    expect(parseFast('item', [], item)).toBeNull();
  });

  it('a builder call it does not know makes the command always go to yargs', () => {
    const odd: Command = { ...stopCommand, builder: (y) => stopCommand.builder(y).demandOption('reason') };
    expect(specOf(odd)).toBeNull();
  });
});
