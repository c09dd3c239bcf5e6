// The full program (../cold.ts: the full parser, every command, the status watcher), loaded only
// when the fast path does not run a line itself. From the sources this is a plain import; in the
// bundle, scripts/bundle.mjs bundles ../cold.ts apart, keeps it as text and compiles it here on
// first use.
export type Cold = typeof import('../cold.ts');

export async function loadCold(): Promise<Cold> {
  return import('../cold.ts');
}
