// The shape every subcommand module has: yargs metadata plus an async body returning an exit code.
import type { Argv, Options } from 'yargs';

export interface Command {
  command: string | string[];
  describe: string;
  builder: (y: Argv) => Argv;
  /** Two or three real uses, [command line, what it does]: the end of --help, and the man page. */
  examples?: ReadonlyArray<readonly [string, string]>;
  /** Runs the command; returns the exit code (never calls process.exit). */
  run: (argv: Record<string, unknown>) => Promise<number>;
}

/** How yargs reads every command line (main.ts; the fast path in fast/ reads the same way). Values,
 * words after `--` and positionals stay strings: a command's arguments, item IDs and list values are
 * never numbers (`-- printf %s 1e3` prints 1e3, not 1000; `--stop-file 1e3` is the file 1e3). */
export const PARSER_CONFIGURATION = { 'populate--': true, 'boolean-negation': false, 'duplicate-arguments-array': true, 'parse-numbers': false, 'parse-positional-numbers': false } as const;

export const LOCATE_OPTIONS = {
  'state-dir': { type: 'string', describe: 'the job\'s state directory (default: see "State directory" in the README)' },
  name: { type: 'string', describe: 'the job\'s name (default: the command\'s basename)' },
} as const;

/** SAFEHALT_<OPTION> environment variables become defaults of the options a command knows (so
 * unrelated SAFEHALT_* variables, such as those set for a child, are never unknown flags).
 * Precedence: command line, then --config file, then environment, then built-in default. */
export function withEnv(options: Record<string, Options>, env: NodeJS.ProcessEnv = process.env): Record<string, Options> {
  const out: Record<string, Options> = {};
  for (const [name, o] of Object.entries(options)) {
    // SAFEHALT_STATE_DIR is not a default of --state-dir: it is read by resolveStateDir, after an
    // explicit --name (inside a supervised child it names the calling job, not every job).
    const v = name === 'state-dir' ? undefined : env[`SAFEHALT_${name.toUpperCase().replace(/-/g, '_')}`];
    // An empty variable is unset (as an empty assignment in an EnvironmentFile resets it).
    if (v === undefined || v === '') out[name] = o;
    else if (o.type === 'boolean') out[name] = { ...o, default: !/^(0|false|no|off|)$/i.test(v) };
    else if (o.type === 'array') out[name] = { ...o, default: splitList(name, v) };
    else out[name] = { ...o, default: v };
  }
  return out;
}

// Regexes and paths may hold commas and spaces: those lists take one value per line.
const splitList = (name: string, v: string): string[] =>
  v.split(name === 'classify' || name === 'stop-file' ? /\n/ : /[\s,]+/).filter(Boolean);
