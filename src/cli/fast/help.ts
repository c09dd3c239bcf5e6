// --help without the full parser: the texts yargs prints are rendered at build time
// (scripts/help-texts.mjs) for the two widths it can choose without a terminal narrower than 110
// columns, and printed from there. Anything else (another width, a SAFEHALT_* variable that --help
// would show as a default) is rendered by yargs as usual.
import { readAsset } from './asset.ts';

export const HELP_ASSET = 'safehalt-help.json';
/** main.ts: .wrap(Math.min(110, process.stdout.columns || 100)). */
export const helpWidth = (columns: number | undefined) => Math.min(110, columns || 100);
export const helpKey = (command: string | null, width: number) => `${command ?? ''}@${width}`;

/** `columns` is asked only for a help line: reading process.stdout.columns builds the stream (~2 ms). */
export function prebuiltHelp(argv: readonly string[], env: NodeJS.ProcessEnv, columns: () => number | undefined): string | null {
  const command = argv.length === 1 && argv[0] === '--help' ? null : argv.length === 2 && argv[1] === '--help' ? argv[0]! : undefined;
  if (command === undefined) return null;
  const raw = readAsset(HELP_ASSET);
  if (raw === null) return null;
  const help = JSON.parse(raw) as { texts: Record<string, string>; env: Record<string, string[]> };
  if (command !== null && (help.env[command] ?? []).some((v) => env[v] !== undefined)) return null;
  return help.texts[helpKey(command, helpWidth(columns()))] ?? null;
}
