// --help of every command: real examples at the end, the exit codes from the one table, and plain
// text (no ANSI escapes) when NO_COLOR is set or the output is not a terminal.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { commandName } from '../../src/cli/option-names.ts';
import { EXIT_MEANINGS } from '../../src/exit-codes.ts';
import { cli } from '../helpers/cli.ts';

const ANSI = /\u001b\[/;

describe('--help', () => {
  it.each(COMMANDS.map(commandName))('%s --help ends with two or three examples', async (name) => {
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    const tail = r.stdout.slice(r.stdout.lastIndexOf('Examples:'));
    expect(r.stdout.lastIndexOf('Examples:')).toBeGreaterThan(0);
    const uses = tail.split('\n').filter((l) => /^ {2}[^ #]/.test(l));
    expect(uses.length).toBeGreaterThanOrEqual(2);
    expect(uses.length).toBeLessThanOrEqual(3);
    for (const u of uses) expect(u).toMatch(/safehalt|\$|\|/);
  });

  it('the top-level help lists every command, the examples and every exit code', async () => {
    const r = await cli(['--help']);
    for (const name of COMMANDS.map(commandName)) expect(r.stdout).toContain(`safehalt ${name}`);
    expect(r.stdout).toContain('Examples:');
    for (const [code, meaning] of EXIT_MEANINGS) expect(r.stdout).toContain(`${String(code).padStart(3)}  ${meaning.slice(0, 40)}`);
  });

  it('prints no ANSI escapes with NO_COLOR, nor when not on a terminal', async () => {
    for (const env of [{ NO_COLOR: '1' }, {}]) {
      for (const args of [['--help'], ['run', '--help'], ['run', '--bogus', '--', 'true'], ['status', '--state-dir', '/nonexistent']]) {
        const r = await cli(args, { env });
        expect(r.stdout + r.stderr).not.toMatch(ANSI);
      }
    }
  });
});
