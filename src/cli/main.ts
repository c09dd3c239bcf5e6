// The command line: parse, dispatch to one command, return its exit code. The only process.exit is in
// bin/safehalt's entry (src/entry.ts).
import yargs from 'yargs';
import { EXIT, UserError } from '../exit-codes.ts';
import type { Command } from './command.ts';
import { COMMANDS } from './commands.ts';
import { VERSION } from '../version.ts';

export async function main(argv: string[]): Promise<number> {
  let code: number | undefined;
  let failure: string | undefined;
  const parser = yargs(argv)
    .scriptName('safehalt')
    .parserConfiguration({ 'populate--': true, 'boolean-negation': false, 'duplicate-arguments-array': true })
    .config('config', 'read options from a JSON file')
    .version(VERSION)
    .strict()
    .recommendCommands()
    .demandCommand(1, 'give a command: run, status, stop, pause, resume, heartbeat or item')
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err && !(err instanceof UserError)) throw err;
      failure = err ? err.message : msg;
    });
  for (const c of COMMANDS as Command[]) {
    parser.command(c.command, c.describe, c.builder, async (a) => {
      // yargs calls the handler even after .fail() when it does not exit the process.
      if (failure === undefined) code = await c.run(a as Record<string, unknown>);
    });
  }
  try {
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`safehalt: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
  if (failure !== undefined) {
    process.stderr.write(`safehalt: ${failure}\nRun 'safehalt --help' for usage.\n`);
    return EXIT.USAGE;
  }
  return code ?? EXIT.OK;
}
