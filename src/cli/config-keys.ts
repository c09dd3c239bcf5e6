// The keys and values of a --config file, checked against the options of the command it is read
// for: an unknown key gets "did you mean", a value of the wrong type is one line naming the key,
// and an array for a command (on-halt) is an argv, never "touch,F".
import { usageError, type UserError } from '../exit-codes.ts';
import { readConfigFile } from './config-file.ts';
import type { OptionKind } from './option-names.ts';
import { closest } from './suggest.ts';
import { shown } from '../util/shown.ts';

/** Options whose value is a command line: a JSON array there is the command's argv. */
const COMMAND_OPTIONS = new Set(['on-halt']);

let thrown: UserError | null = null;
export const configKeysFailure = (err: Error | undefined): UserError | null => (err && thrown?.message === err.message ? thrown : null);

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** One word as words() (parse-values.ts) reads it back: single quotes, a ' as '\''. */
const quoteWord = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

export function configReader(kinds: ReadonlyMap<string, OptionKind>, command: string): (file: string) => Record<string, unknown> {
  return (file) => {
    try {
      return checkKeys(readConfigFile(file), file, kinds, command);
    } catch (e) {
      thrown = e as UserError;
      throw e;
    }
  };
}

function checkKeys(v: Record<string, unknown>, file: string, kinds: ReadonlyMap<string, OptionKind>, command: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const options = [...kinds.keys()].filter((k) => k !== 'help' && k !== 'version' && k !== 'config');
  for (const [key, value] of Object.entries(v)) {
    const name = kebab(key);
    const kind = kinds.get(name);
    const bad = (what: string) => usageError(`--config ${file}: "${key}" ${what}, got ${shown(value)}`);
    if (kind === undefined || name === 'config' || name === 'help' || name === 'version') {
      const hit = closest(name, options);
      throw usageError(`--config ${file}: "${key}" is not an option of safehalt ${command}.${hit ? ` Did you mean "${hit}"?` : ''}`);
    }
    const scalar = (x: unknown) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
    if (kind === 'boolean') {
      if (typeof value !== 'boolean') throw bad('takes true or false');
      out[name] = value;
    } else if (COMMAND_OPTIONS.has(name) && Array.isArray(value)) {
      if (value.length === 0 || !value.every((w) => typeof w === 'string')) throw bad('takes a command: a string, or an array of strings (its argv)');
      out[name] = value.map(quoteWord).join(' ');
    } else if (kind === 'list' && Array.isArray(value)) {
      if (!value.every(scalar)) throw bad('takes a list of strings');
      out[name] = value.map(String);
    } else if (!scalar(value)) {
      throw bad(kind === 'list' ? 'takes a string or a list of strings' : 'takes one value, a string or a number');
    } else out[name] = String(value);
  }
  return out;
}
