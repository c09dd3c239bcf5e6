// The options a command declares, read by running its own yargs builder against a recorder that
// keeps what it is told. Any builder call the recorder does not know makes the spec unusable, and
// the command is then always parsed by yargs: the fast parser never guesses a semantics.
import type { Argv, Options, PositionalOptions } from 'yargs';
import type { Command } from '../command.ts';

export interface OptionSpec {
  type: 'string' | 'boolean' | 'array';
  default?: unknown;
  choices?: readonly unknown[];
}

export interface CommandSpec {
  /** Positional names in order (from `item <action> [id]`, `run [cmd..]`), with their choices if any. */
  positionals: Array<{ name: string; required: boolean; variadic: boolean; choices?: readonly unknown[] }>;
  options: Map<string, OptionSpec>;
  conflicts: Array<[string, string]>;
}

/** Builder calls that only change --help: recorded as nothing. */
const COSMETIC = new Set(['epilogue', 'usage', 'example', 'group', 'hide', 'wrap']);

export function specOf(c: Command): CommandSpec | null {
  const spec: CommandSpec = { positionals: positionalsOf(String(Array.isArray(c.command) ? c.command[0] : c.command)), options: new Map(), conflicts: [] };
  let unknown = false;
  const addOption = (name: string, o: Options) => {
    if (o.alias || o.coerce || o.demandOption || o.implies || o.conflicts || o.count || o.nargs || o.requiresArg) unknown = true;
    const type = o.type === 'boolean' || o.type === 'array' || o.type === 'string' ? o.type : null;
    if (type === null) unknown = true;
    else spec.options.set(name, { type, default: o.default, choices: o.choices as readonly unknown[] | undefined });
  };
  const recorder: Record<string, unknown> = new Proxy({}, {
    get(_t, prop: string) {
      if (prop === 'option') return (name: string, o: Options) => (addOption(name, o), recorder);
      if (prop === 'options') return (all: Record<string, Options>) => (Object.entries(all).forEach(([n, o]) => addOption(n, o)), recorder);
      if (prop === 'positional') return (name: string, o: PositionalOptions) => (setChoices(spec, name, o), recorder);
      if (prop === 'conflicts') return (a: string, b: string) => (typeof b === 'string' ? spec.conflicts.push([a, b]) : (unknown = true), recorder);
      if (COSMETIC.has(prop)) return () => recorder;
      unknown = true;
      return () => recorder;
    },
  });
  c.builder(recorder as unknown as Argv);
  return unknown ? null : spec;
}

function positionalsOf(command: string): CommandSpec['positionals'] {
  return [...command.matchAll(/([<[])([^\]>.]+)(\.\.)?[\]>]/g)].map((m) => ({ name: m[2]!, required: m[1] === '<', variadic: m[3] !== undefined }));
}

function setChoices(spec: CommandSpec, name: string, o: PositionalOptions): void {
  const p = spec.positionals.find((x) => x.name === name);
  if (p && o.choices) p.choices = o.choices as readonly unknown[];
}
