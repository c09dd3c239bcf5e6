// The command line before yargs reads it, for the mistakes yargs would misreport: a value that
// begins with a dash (`--timeout -5s` became "Unknown argument: 5"), a command without `--` (`run
// ls -la` became "Unknown argument: l"), and --config given twice or empty ("internal error").
import { usageError } from '../exit-codes.ts';

import type { OptionKind } from './option-names.ts';

/** `argv` with every `--flag -value` joined as `--flag=-value`, or a usage error. */
export function checkArgv(argv: readonly string[], kinds: ReadonlyMap<string, OptionKind>, command: string | undefined): string[] {
  const end = argv.indexOf('--') < 0 ? argv.length : argv.indexOf('--');
  const out: string[] = [];
  const isFlag = (t: string) => t.startsWith('--') && kinds.has(t.slice(2).split('=')[0]);
  let seenCommand = false;
  for (let i = 0; i < end; i++) {
    const t = argv[i];
    const name = t.startsWith('--') ? t.slice(2).split('=')[0] : null;
    const kind = name === null ? undefined : kinds.get(name);
    if (kind !== 'boolean' && name !== null && !t.includes('=') && i + 1 < end) {
      const next = argv[i + 1];
      // A value (or an unknown flag's would-be value, left for yargs to report): kept with its flag.
      if (!next.startsWith('-')) {
        out.push(t, next);
        i++;
        continue;
      }
      if (kind !== undefined && !isFlag(next)) {
        out.push(`${t}=${next}`);
        i++;
        continue;
      }
    }
    if (kind === 'boolean' && i + 1 < end && /^(true|false)$/.test(argv[i + 1])) {
      out.push(t, argv[++i]);
      continue;
    }
    // `run` takes no positional: the first word that is neither a flag nor a flag's value is the
    // command, given without `--`.
    if (command === 'run' && seenCommand && (!t.startsWith('-') || (name === null && t !== '-')))
      throw usageError(`put -- before the command: safehalt run [options] -- ${argv.slice(i, end).join(' ')}`);
    if (!t.startsWith('-') && t === command) seenCommand = true;
    out.push(t);
  }
  checkConfigFlags(out);
  return [...out, ...argv.slice(end)];
}

/** --config names one file, never an empty one; yargs would fail on an array or skip ''. */
function checkConfigFlags(argv: readonly string[]): void {
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config') values.push(argv[i + 1] ?? '');
    else if (argv[i].startsWith('--config=')) values.push(argv[i].slice('--config='.length));
  }
  if (values.length > 1) throw usageError(`--config was given ${values.length} times (${values.map((v) => JSON.stringify(v)).join(', ')}); give it once: one file holds every option`);
  if (values.length === 1 && values[0].trim() === '') throw usageError('--config: expected the path of a JSON file, got an empty string');
}
