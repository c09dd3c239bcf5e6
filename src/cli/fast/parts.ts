// The parts of the program that the fast path loads only when a line needs them. From the sources
// each is a plain import; in the bundle, scripts/bundle.mjs bundles each apart, ships it as a file
// (a SEA asset of dist/safehalt) and compiles it here on first use.
export type Cold = typeof import('../cold.ts');
export type RunPart = typeof import('../run-command.ts');

/** The full parser, every command and the status watcher. */
export const loadCold = (): Promise<Cold> => import('../cold.ts');

/** `safehalt run` and the supervisor, without the full parser. */
export const loadRunPart = (): Promise<RunPart> => import('../run-command.ts');
