// What only the full program needs, in one module: the full parser with every command, and the
// file watcher of `status --watch`. scripts/bundle.mjs bundles it apart (src/cli/fast/cold-main.ts).
export { main } from './main.ts';
export { watchStatus } from '../status/watch-status.ts';

import { COMMANDS } from './commands.ts';
import { commandName, optionNames } from './option-names.ts';
/** The options of the command named `name` (scripts/help-texts.mjs, at build time). */
export const optionNamesOf = (name: string): string[] => optionNames(COMMANDS.find((c) => commandName(c) === name)!);
