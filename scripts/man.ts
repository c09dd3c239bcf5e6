// Renders man/safehalt.1.md to roff. The prose is written by hand; the parts that must not drift
// come from the program itself: each command's options (walked from its yargs builder), its
// examples, the exit codes (EXIT_MEANINGS) and the stop reasons (STOP_REASONS).
//
//   node scripts/man.ts [OUT]      write the page to OUT (default: stdout)
//
// The markdown is a small subset: front matter (title, section), `#` and `##` headings,
// paragraphs, fenced code blocks, definition lists (a term line, then lines starting ": "), and
// **bold**, *italic*, `code` inline; `\ ` joins two spans without a space. {{directives}} expand
// to generated roff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yargs from 'yargs';
import { COMMANDS } from '../src/cli/commands.ts';
import type { Command } from '../src/cli/command.ts';
import { LOCATE_OPTIONS } from '../src/cli/command.ts';
import { commandName, GLOBAL_OPTIONS, optionNames } from '../src/cli/option-names.ts';
import { RUN_GROUPS, RUN_OPTION_NAMES } from '../src/cli/run-options.ts';
import { EXIT, EXIT_MEANINGS } from '../src/exit-codes.ts';
import { RESTART_PREVENT_EXIT_STATUS } from '../src/unit/render-unit.ts';
import { STOP_REASONS } from '../src/policy/stop-reasons.ts';
import { VERSION } from '../src/version.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
export const MAN_SOURCE = path.join(ROOT, 'man/safehalt.1.md');

/** Text for roff: backslashes, minus signs, and a leading control character made literal. */
export const esc = (s: string): string =>
  s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/, '\\&$1')
    .replace(/[^\x00-\x7f]/gu, (ch) => `\\[u${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);

/** Inline markdown → roff font changes, on already escaped text. */
function inline(s: string): string {
  return esc(s)
    .replace(/\\e /g, '\u0001')
    .replace(/`([^`]+)`/g, '\\fB$1\\fR')
    .replace(/\*\*([^*]+)\*\*/g, '\\fB$1\\fR')
    .replace(/(^|[^\w*\\])\*([^*\s][^*]*)\*/g, '$1\\fI$2\\fR')
    .replace(/\u0001/g, '');
}

const bold = (s: string) => `\\fB${esc(s)}\\fR`;
const italic = (s: string) => `\\fI${esc(s)}\\fR`;

interface OptionRow {
  name: string;
  describe: string;
  type: 'boolean' | 'array' | 'string';
  default?: unknown;
  choices?: string[];
}

/** Every option of a command, with what --help shows for it, from the command's own builder. */
export function optionRows(c: Command): OptionRow[] {
  const y = c.builder(yargs([])) as unknown as {
    getOptions(): { boolean: string[]; array: string[]; default: Record<string, unknown>; choices: Record<string, string[]> };
    getInternalMethods(): { getUsageInstance(): { getDescriptions(): Record<string, string | undefined> } };
  };
  const o = y.getOptions();
  const descriptions = y.getInternalMethods().getUsageInstance().getDescriptions();
  return optionNames(c).map((name) => ({
    name,
    describe: String(descriptions[name] ?? '').replace('__yargsString__:', ''),
    type: o.boolean.includes(name) ? 'boolean' : o.array.includes(name) ? 'array' : 'string',
    default: o.default[name],
    choices: o.choices[name],
  }));
}

function optionItem(r: OptionRow): string {
  const value = r.type === 'boolean' ? '' : ` ${italic(r.choices ? r.choices.join('|') : placeholder(r))}`;
  const notes: string[] = [];
  if (r.type === 'array' && !r.describe.includes('repeatable')) notes.push('repeatable');
  const d = r.default;
  if (d !== undefined && d !== false && !(Array.isArray(d) && d.length === 0)) notes.push(`default: ${Array.isArray(d) ? d.join(' ') : String(d)}`);
  return `.TP\n${bold(`--${r.name}`)}${value}\n${inline(r.describe)}${notes.length ? ` (${esc(notes.join('; '))})` : ''}`;
}

/** The word shown for an option's value: what kind of value it takes, from its name and default. */
function placeholder(r: OptionRow): string {
  const d = String(r.default ?? '');
  if (r.name.endsWith('dir')) return 'DIR';
  if (r.name.endsWith('file') || r.name === 'config') return 'FILE';
  if (/^\d+(\.\d+)?(ms|s|m|h|d)$/.test(d) || /timeout|interval|within|uptime|runtime|lock|probe/.test(r.name)) return 'DURATION';
  if (/^\d+(\.\d+)?$/.test(d) || /^max-|count|retries/.test(r.name)) return 'N';
  return r.name === 'on-halt' ? 'CMD' : 'VALUE';
}

const SYNOPSIS: Record<string, string> = {
  run: 'run [OPTIONS] -- CMD [ARGS...]',
  unit: 'unit NAME [OPTIONS] -- CMD [ARGS...]',
  item: 'item check|fail|ok|reset|list|filter|prune [ID] [OPTIONS]',
  completion: 'completion bash|zsh',
};

function commandSection(c: Command): string {
  const name = commandName(c);
  const out = [`.SS "${esc(`safehalt ${SYNOPSIS[name] ?? `${name} [OPTIONS]`}`)}"`, esc(c.describe.replace(/^./, (ch) => ch.toUpperCase())) + '.'];
  const rows = optionRows(c);
  if (name === 'run') {
    const byName = new Map(rows.map((r) => [r.name, r]));
    out.push('.PP', bold('Finding the job:'), ...Object.keys(LOCATE_OPTIONS).map((k) => optionItem(byName.get(k)!)));
    for (const [group, opts] of Object.entries(RUN_GROUPS))
      out.push('.PP', bold(group), ...Object.keys(opts).map((k) => optionItem(byName.get(k)!)));
  } else if (rows.length) {
    out.push('.PP', bold('Options:'), ...rows.map(optionItem));
  }
  if (c.examples?.length) {
    out.push('.PP', bold('Examples:'));
    for (const [cmd, what] of c.examples) out.push('.PP', `${esc(what)}:`, '.RS 4', '.nf', esc(cmd), '.fi', '.RE');
  }
  return out.join('\n');
}

const DIRECTIVES: Record<string, (arg: string) => string> = {
  command: (arg) => {
    const c = COMMANDS.find((x) => commandName(x) === arg);
    if (!c) throw new Error(`man: {{command ${arg}}}: no such command`);
    return commandSection(c);
  },
  'exit-codes': () => EXIT_MEANINGS.map(([code, meaning]) => `.TP\n${bold(String(code))}\n${esc(meaning)}`).join('\n'),
  'stop-reasons': () =>
    Object.entries(STOP_REASONS)
      .map(([reason, r]) => `.TP\n${bold(reason)} (exit ${r.exit})\n${esc(r.means)}. Next: ${esc(r.next)}.`)
      .join('\n'),
  'environment-options': () =>
    [...Object.keys(LOCATE_OPTIONS), ...RUN_OPTION_NAMES].map((o) => bold(`SAFEHALT_${o.toUpperCase().replace(/-/g, '_')}`)).join(',\n') + '.',
  'global-options': () =>
    GLOBAL_OPTIONS.map((o) =>
      optionItem({ name: o, type: o === 'config' ? 'string' : 'boolean', describe: { help: 'show help', version: 'print the version', config: 'read options from a JSON file' }[o] }),
    ).join('\n'),
};

/** The date of the page: the newest CHANGELOG.md entry, so that a build is reproducible. */
function pageDate(): string {
  const file = path.join(ROOT, 'CHANGELOG.md');
  const m = existsSync(file) ? /^## \[?[^\]\s]+\]? - (\d{4}-\d{2}-\d{2})/m.exec(readFileSync(file, 'utf8')) : null;
  return m ? m[1] : new Date().toISOString().slice(0, 10);
}

/** Inline {{exit:NAME}}, {{stop-exit:REASON}} and {{restart-prevent}}: numbers from the tables. */
function inlineTokens(text: string): string {
  return text.replace(/\{\{(exit|stop-exit):(\w+)\}\}|\{\{restart-prevent\}\}/g, (token, kind?: string, name?: string) => {
    if (!kind) return RESTART_PREVENT_EXIT_STATUS.join(' ');
    const code = kind === 'exit' ? (EXIT as Record<string, number>)[name!] : (STOP_REASONS as Record<string, { exit: number }>)[name!]?.exit;
    if (code === undefined) throw new Error(`man: ${token}: no such ${kind === 'exit' ? 'exit code' : 'stop reason'}`);
    return String(code);
  });
}

export function renderMan(markdown: string = readFileSync(MAN_SOURCE, 'utf8')): string {
  markdown = inlineTokens(markdown);
  const front = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  const meta = Object.fromEntries((front?.[1] ?? '').split('\n').map((l) => l.split(/:\s*/, 2) as [string, string]));
  const lines = markdown.slice(front ? front[0].length : 0).split('\n');
  const out = [`.TH ${meta.title ?? 'SAFEHALT'} ${meta.section ?? '1'} "${pageDate()}" "safehalt ${VERSION}" "User Commands"`];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push('.PP', ...para.map(inline));
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const directive = /^\{\{([\w-]+)(?: (.*))?\}\}$/.exec(line);
    if (line.trim() === '') flush();
    else if (line.startsWith('# ')) (flush(), out.push(`.SH ${esc(line.slice(2))}`));
    else if (line.startsWith('## ')) (flush(), out.push(`.SS "${esc(line.slice(3))}"`));
    else if (directive) {
      flush();
      const fn = DIRECTIVES[directive[1]];
      if (!fn) throw new Error(`man: unknown directive {{${directive[1]}}}`);
      out.push(fn(directive[2] ?? ''));
    } else if (line.startsWith('```')) {
      flush();
      out.push('.PP', '.RS 4', '.nf');
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) out.push(esc(lines[i]));
      out.push('.fi', '.RE');
    } else if (lines[i + 1]?.startsWith(': ') && para.length === 0) {
      out.push('.TP', inline(line));
      for (i++; i < lines.length && lines[i].trim() !== ''; i++) out.push(inline(lines[i].replace(/^: /, '')));
      i--;
    } else para.push(line);
  }
  flush();
  // A paragraph macro right after a heading or before an item is redundant (lintian and man
  // --warnings flag some of these).
  return out.join('\n').replace(/^(\.S[HS] .*)\n\.PP$/gm, '$1').replace(/^\.PP\n(?=\.TP)/gm, '') + '\n';
}

if (import.meta.main) {
  const page = renderMan();
  const outFile = process.argv[2];
  if (outFile) writeFileSync(outFile, page);
  else process.stdout.write(page);
}
