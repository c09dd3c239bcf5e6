// --config FILE: a JSON object of options. Anything else is one clear line naming the file (exit 64),
// not yargs' "Invalid JSON config file" surfacing as an internal error, nor one line per array index.
import { readUserFile } from '../util/read-user-file.ts';
import { usageError, type UserError } from '../exit-codes.ts';
import { isRecord } from '../util/json.ts';
import { shown } from '../util/shown.ts';

/** No configuration comes near this; /dev/zero or a log file given by mistake is refused at once. */
export const CONFIG_MAX_BYTES = 1024 * 1024;

let thrown: UserError | null = null;

/** The UserError behind an error yargs reports for --config (yargs re-wraps it, keeping the message). */
export const configFailure = (err: Error | undefined): UserError | null => (err && thrown?.message === err.message ? thrown : null);

export function readConfigFile(file: string): Record<string, unknown> {
  try {
    return parseConfigFile(file);
  } catch (e) {
    thrown = e as UserError;
    throw e;
  }
}

function parseConfigFile(file: string): Record<string, unknown> {
  const text = readUserFile('--config', file, CONFIG_MAX_BYTES);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw usageError(`--config ${file}: not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  if (!isRecord(v)) throw usageError(`--config ${file}: expected a JSON object such as {"mode": "loop", "interval": "30s"}, got ${shown(v)}`);
  return v;
}
