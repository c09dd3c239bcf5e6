// The flags each command accepts, read from its own yargs builder: for "did you mean", the man
// page and the test that keeps the two in step.
import yargs from 'yargs';
import type { Command } from './command.ts';

/** Flags every command takes (main.ts adds them to the top-level parser). */
export const GLOBAL_OPTIONS = ['help', 'version', 'config'] as const;

export const commandName = (c: Command): string => String(Array.isArray(c.command) ? c.command[0] : c.command).split(' ')[0];

/** The options `c` declares, in kebab case, in the order its builder declares them (no positionals). */
export function optionNames(c: Command): string[] {
  // getOptions() is public in yargs but missing from its type definitions.
  const y = c.builder(yargs([])) as unknown as { getOptions(): { key: Record<string, unknown> } };
  const o = y.getOptions();
  const positionals = new Set(String(c.command).match(/[<[]([^\]>.]+)/g)?.map((p) => p.slice(1)) ?? []);
  return Object.keys(o.key).filter((k) => !/[A-Z]/.test(k) && !positionals.has(k) && !(GLOBAL_OPTIONS as readonly string[]).includes(k));
}

/** The command named by the first word of `argv` that is one, if any. */
export function commandIn(argv: readonly string[], commands: readonly Command[]): Command | undefined {
  const first = argv.find((a) => !a.startsWith('-'));
  return commands.find((c) => commandName(c) === first);
}

export type OptionKind = 'boolean' | 'value' | 'list';

/** Each option of `c` (and the global ones) with what it takes: a switch, one value, or a list. */
export function optionKinds(c: Command | undefined): Map<string, OptionKind> {
  const kinds = new Map<string, OptionKind>([['help', 'boolean'], ['version', 'boolean'], ['config', 'value']]);
  if (!c) return kinds;
  const y = c.builder(yargs([])) as unknown as { getOptions(): { boolean: string[]; array: string[] } };
  const o = y.getOptions();
  for (const name of optionNames(c)) kinds.set(name, o.boolean.includes(name) ? 'boolean' : o.array.includes(name) ? 'list' : 'value');
  return kinds;
}
