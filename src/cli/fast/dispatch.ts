// The start of every command: the plain lines of the hot commands and of `run` are parsed here and
// run without loading yargs or anything else they do not use (each module is loaded on first use).
// Everything else goes to the full parser in ../main.ts.
import type { Command } from '../command.ts';
import { loadRunPart } from './parts.ts';
import { specOf } from './recorder.ts';
import { parseFast } from './parse.ts';
import { VERSION } from '../../version.ts';
import { prebuiltHelp } from './help.ts';
import { isUserError } from '../../exit-codes.ts';
import { OWN_VARIABLES, envName } from '../env-check.ts';
import { writeStdout } from '../../log/stdout.ts';

const HOT: Record<string, () => Promise<Command>> = {
  status: () => import('../status-command.ts').then((m) => m.statusCommand),
  stop: () => import('../stop-command.ts').then((m) => m.stopCommand),
  pause: () => import('../pause-resume-command.ts').then((m) => m.pauseCommand),
  resume: () => import('../resume-command.ts').then((m) => m.resumeCommand),
  heartbeat: () => import('../heartbeat-command.ts').then((m) => m.heartbeatCommand),
  item: () => import('../item-command.ts').then((m) => m.itemCommand),
  run: () => loadRunPart().then((m) => m.runCommand),
};

/** The exit code of a line run here, or null: give the line to the full parser. */
export async function runFast(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  if (argv.length === 1 && argv[0] === '--version') {
    writeStdout(`${VERSION}\n`);
    return 0;
  }
  const help = prebuiltHelp(argv, env, () => process.stdout.columns);
  if (help !== null) {
    writeStdout(help);
    return 0;
  }
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : HOT[name];
  if (!load || env.SAFEHALT_CONFIG !== undefined) return null;
  const command = await load();
  const spec = specOf(command);
  // A SAFEHALT_* variable that is not this command's is warned about by the full parser.
  if (!spec) return null;
  const mine = new Set([...spec.options.keys()].map(envName));
  if (Object.keys(env).some((k) => k.startsWith('SAFEHALT_') && !OWN_VARIABLES.includes(k) && !mine.has(k))) return null;
  const args = parseFast(name!, rest, spec);
  if (!args) return null;
  try {
    return await command.run(args);
  } catch (e) {
    if (!isUserError(e)) throw e;
    process.stderr.write(`safehalt: ${e.message}\n`);
    return e.exitCode;
  }
}
