// A misspelled SAFEHALT_* variable (an EnvironmentFile's SAFEHALT_MAX_CONSECUTIVE_FAILURE=1) would be
// ignored without a word: warn about every one that is neither an option nor one we set ourselves.
import { closest } from './suggest.ts';

/** Set by safehalt for a child or a hook, or read by its own scripts: never options, never warned. */
export const OWN_VARIABLES = [
  // for the child (SPEC "What the child sees")
  'STATE_DIR', 'NAME', 'ITERATION', 'HEARTBEAT_FILE', 'PREVIOUS_INTERRUPTED', 'INTERRUPTED_ITERATION', 'INTERRUPTED_ACTION', 'FD',
  // for the --on-halt hook
  'STOP_REASON_FILE', 'REASON',
  // packaging/systemd/safehalt@.service's command line
  'COMMAND',
  // SAFEHALT_DEBUG prints a stack trace with an internal error; the rest belong to the build and tests
  'DEBUG', 'BIN', 'ENTRY', 'CODE_CACHE', 'SKIP_BUILD', 'SKIP_TYPECHECK', 'SKIP_SEA', 'DEB_BIN', 'DEB_XZ_LEVEL', 'DEB_REVISION', 'DEB_REBUILD', 'BENCH_BIN', 'PM2',
].map((v) => `SAFEHALT_${v}`);

export const envName = (option: string) => `SAFEHALT_${option.toUpperCase().replace(/-/g, '_')}`;

/** One warning per unknown SAFEHALT_* variable, with the closest real one. */
export function unknownEnv(env: NodeJS.ProcessEnv, options: () => readonly string[]): string[] {
  const candidates = Object.keys(env).filter((k) => k.startsWith('SAFEHALT_') && !OWN_VARIABLES.includes(k));
  // Reading every command's options costs a few milliseconds: only when there is something to check.
  if (candidates.length === 0) return [];
  const known = [...new Set([...options().map(envName), ...OWN_VARIABLES])];
  return candidates
    .filter((k) => !known.includes(k))
    .sort()
    .map((k) => {
      const hit = closest(k.slice('SAFEHALT_'.length), known.map((n) => n.slice('SAFEHALT_'.length)));
      return `warning: ${k} is not a safehalt variable; it is ignored.${hit ? ` Did you mean SAFEHALT_${hit}?` : ''}`;
    });
}
