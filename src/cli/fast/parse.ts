// The fast parser: the plain command lines that scripts call in hot places (`item check ID`,
// `heartbeat --progress X`, `status --json`), parsed into the same arguments yargs would give.
// Anything else (an unknown or repeated flag, --help, --config, a value that looks like a flag,
// a conflict) returns null, and yargs parses the line and explains what is wrong.
import type { CommandSpec } from './recorder.ts';

type Args = Record<string, unknown>;

const camel = (k: string) => k.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export function parseFast(command: string, argv: readonly string[], spec: CommandSpec): Args | null {
  const a: Args = { _: [command], $0: 'safehalt' };
  const given = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      a['--'] = argv.slice(i + 1);
      break;
    }
    if (!word.startsWith('--')) {
      if (word.startsWith('-') || (positionals.length >= spec.positionals.length && !spec.positionals.at(-1)?.variadic)) return null;
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
    const o = spec.options.get(name);
    // An array option may be repeated (yargs collects the values); any other, only once.
    if (!o || (given.has(name) && o.type !== 'array')) return null;
    given.add(name);
    if (o.type === 'boolean') {
      if (eq >= 0 || argv[i + 1] === 'true' || argv[i + 1] === 'false') return null;
      a[name] = true;
      continue;
    }
    const value = eq >= 0 ? word.slice(eq + 1) : argv[++i];
    if (value === undefined || value.trim() === '' || value.startsWith('-')) return null;
    if (o.type !== 'array') a[name] = value;
    // yargs gives an array option the words after its value too: `--spike a b` is [a, b].
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) return null;
    else a[name] = [...((a[name] as string[] | undefined) ?? []), value];
  }
  return finish(a, positionals, given, spec);
}

function finish(a: Args, positionals: string[], given: Set<string>, spec: CommandSpec): Args | null {
  for (const [x, y] of spec.conflicts) if (given.has(x) && given.has(y)) return null;
  for (const [i, p] of spec.positionals.entries()) {
    if (p.variadic) {
      if (positionals.length > i) a[p.name] = positionals.slice(i);
      break;
    }
    const v = positionals[i];
    if (v === undefined) {
      if (p.required) return null;
      continue;
    }
    if (p.choices && !p.choices.includes(v)) return null;
    a[p.name] = v;
  }
  for (const [name, o] of spec.options) {
    if (a[name] === undefined && o.default !== undefined) a[name] = o.default;
    // An empty value (from the environment too) is refused by the full parser, which says so.
    if ([a[name]].flat().some((v) => typeof v === 'string' && v.trim() === '')) return null;
    if (o.choices && a[name] !== undefined && !o.choices.includes(a[name])) return null;
  }
  for (const k of Object.keys(a)) if (k.includes('-') && k !== '--') a[camel(k)] = a[k];
  return a;
}
