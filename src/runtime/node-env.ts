// Node's runtime reads NODE_* variables when it starts: NODE_DEBUG prints the environment of every
// spawn, NODE_V8_COVERAGE and NODE_COMPILE_CACHE write files, NODE_PATH, NODE_ICU_DATA... They are
// meant for the child, never for the wrapper. When one is set, the wrapper re-executes itself
// without them (process.execve: same pid, so signals and the unit's view are unchanged) and gives
// them back to the child unchanged. Imported first by src/entry.ts: it runs before anything else.
// NODE_OPTIONS never reaches the executable (packaging/sea/sea-config.json: execArgvExtension none).
import { isSea } from 'node:sea';
import { EXIT } from '../exit-codes.ts';

const CARRIER = 'SAFEHALT_HELD_NODE_ENV';
/** Not read by the wrapper: TLS trust (it makes no TLS connection; set on many hosts) and NODE_ENV
 * (a convention of applications, not of Node's runtime; set in most containers). */
const HARMLESS = new Set(['NODE_EXTRA_CA_CERTS', 'NODE_USE_SYSTEM_CA', 'NODE_ENV']);

const sea = isSea();
const isRuntimeVar = (name: string) => name.startsWith('NODE_') && !HARMLESS.has(name) && !(sea && name === 'NODE_OPTIONS');

/** The Node runtime variables of `env` that would change the wrapper. */
export function runtimeVars(env: NodeJS.ProcessEnv): Record<string, string> {
  const held: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && isRuntimeVar(k)) held[k] = v;
  return held;
}

/** The carrier's content: only NODE_* names with string values; anything else is dropped. */
export function parseCarrier(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const o: unknown = JSON.parse(text);
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return {};
    return Object.fromEntries(Object.entries(o).filter(([k, v]) => k.startsWith('NODE_') && typeof v === 'string'));
  } catch {
    return {};
  }
}

// Kept on the process, not in this module: the program is bundled in parts (scripts/bundle.mjs),
// each with its own copy of this module, and only the first to load reads (and removes) the carrier.
const HELD = Symbol.for('safehalt.heldNodeEnv');
const shared = globalThis as { [HELD]?: Record<string, string> };
const held: Record<string, string> = (shared[HELD] ??= parseCarrier(process.env[CARRIER]));
delete process.env[CARRIER];

/** The environment to give a program the wrapper starts (child, hook): the wrapper's own, with
 * the Node runtime variables it was started with. */
let snapshot: NodeJS.ProcessEnv | undefined;
export function programEnv(): NodeJS.ProcessEnv {
  // Read once: each read of process.env asks the C library for every variable (~50 us a run in a
  // restart loop), and nothing in the wrapper changes its environment after start-up.
  snapshot ??= { ...process.env, ...held };
  return { ...snapshot };
}

function reexecWithout(vars: Record<string, string>, execve: NonNullable<typeof process.execve>): void {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !(k in vars)) env[k] = v;
  env[CARRIER] = JSON.stringify(vars);
  const args = sea ? [process.execPath, ...process.argv.slice(2)] : [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  execve(process.execPath, args, env);
}

const found = runtimeVars(process.env);
// The re-executed wrapper has none left, so this happens once (a carrier set from outside only adds).
const execve = process.execve?.bind(process);
if (Object.keys(found).length > 0 && execve) {
  try {
    reexecWithout({ ...held, ...found }, execve);
  } catch (e) {
    process.stderr.write(`safehalt: cannot restart itself without ${Object.keys(found).join(', ')} (${(e as Error).message}); unset them for the wrapper\n`);
    process.exit(EXIT.CONFIG);
  }
}
