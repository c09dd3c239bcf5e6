// The command line: parse, dispatch to one command, return its exit code. The only process.exit is in
// bin/safehalt's entry (src/entry.ts).
import yargs, { type Argv } from 'yargs';
import { EXIT, UserError } from '../exit-codes.ts';
import { PARSER_CONFIGURATION, type Command } from './command.ts';
import { COMMANDS } from './commands.ts';
import { VERSION } from '../version.ts';
import { explainUnknown } from './suggest.ts';
import { commandIn, commandName, GLOBAL_OPTIONS, optionNames } from './option-names.ts';
import { COMPLETION_KEY_COMMAND } from './completion-command.ts';
import { exitCodeEpilogue, formatExamples } from './help-text.ts';
import { runCommand } from './run-command.ts';
import { configFailure } from './config-file.ts';
import { configKeysFailure, configReader } from './config-keys.ts';
import { checkArgv } from './argv-check.ts';
import { unknownEnv } from './env-check.ts';
import { refuseEmpty } from './empty-values.ts';
import { optionKinds } from './option-names.ts';
import { printable, printableLines } from '../util/printable.ts';

export async function main(given: string[]): Promise<number> {
  let code: number | undefined;
  let failure: string | undefined;
  const cmd = commandIn(given, COMMANDS);
  const kinds = optionKinds(cmd);
  for (const w of unknownEnv(process.env, () => COMMANDS.flatMap(optionNames))) process.stderr.write(`safehalt: ${w}\n`);
  let argv: string[];
  try {
    argv = checkArgv(given, kinds, cmd ? commandName(cmd) : undefined);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return usageFailure(e.message, given);
  }
  const parser = yargs(argv)
    .scriptName('safehalt')
    .parserConfiguration(PARSER_CONFIGURATION)
    .config('config', 'read options from a JSON file', configReader(kinds, cmd ? commandName(cmd) : 'safehalt'))
    .version(VERSION)
    .strict()
    .recommendCommands()
    .demandCommand(1, `give a command: ${COMMANDS.map((c) => commandName(c)).join(', ')}`)
    // Answers the completion scripts' `--get-yargs-completions` queries; the scripts themselves
    // come from `safehalt completion bash|zsh` (completion-command.ts). Hidden.
    .completion(COMPLETION_KEY_COMMAND, false)
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue(`${formatExamples(runCommand.examples ?? [])}\n\n${exitCodeEpilogue()}`)
    .fail((msg, err) => {
      if (err && !(err instanceof UserError) && !configFailure(err) && !configKeysFailure(err)) throw err;
      failure = err ? err.message : explainUnknown(msg, argv, knownOptions(argv), COMMANDS.map(commandName));
    });
  for (const c of COMMANDS as Command[]) {
    const builder = (y: Argv) => (c.examples ? c.builder(y).epilogue(formatExamples(c.examples)) : c.builder(y));
    parser.command(c.command, c.describe, builder, async (a) => {
      // yargs calls the handler even after .fail() when it does not exit the process.
      if (failure !== undefined) return;
      refuseEmpty(a as Record<string, unknown>, kinds);
      code = await c.run(a as Record<string, unknown>);
    });
  }
  try {
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`safehalt: ${printableLines(e.message)}\n`);
      return e.exitCode;
    }
    throw e;
  }
  if (failure !== undefined) return usageFailure(failure, argv);
  return code ?? EXIT.OK;
}

/** A usage error: its lines, then where the usage is (exit 64). */
function usageFailure(failure: string, argv: readonly string[]): number {
  const c = commandIn(argv, COMMANDS);
  const help = c ? `safehalt ${commandName(c)} --help` : 'safehalt --help';
  process.stderr.write(`${failure.split("\n").map((l) => `safehalt: ${printable(l)}`).join("\n")}\nRun '${help}' for usage.\n`);
  return EXIT.USAGE;
}

/** The flags known where parsing failed: the command's own and the global ones. */
function knownOptions(argv: readonly string[]): string[] {
  const c = commandIn(argv, COMMANDS);
  return [...(c ? optionNames(c) : []), ...GLOBAL_OPTIONS];
}
