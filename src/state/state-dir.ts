// Finding and vetting a job's state directory: the resolution order of the spec, then checks that
// it is a real directory of ours that nobody else can write.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configError, usageError } from '../exit-codes.ts';
import { shown } from '../util/shown.ts';

export interface Locate {
  stateDir?: string;
  name?: string;
  /** The supervised command (run): its basename is the default name. */
  command?: string;
}

const NAME_RE = /^[A-Za-z0-9_@.+-]{1,128}$/;

export function validName(name: string): string {
  if (!NAME_RE.test(name) || name === '.' || name === '..')
    throw usageError(`--name: expected letters, digits and . _ @ + - (at most 128), got ${shown(name)}`);
  return name;
}

export function defaultName(command: string): string {
  const base = path.basename(command).replace(/[^A-Za-z0-9_@.+-]/g, '_').slice(0, 128);
  return base === '' || base === '.' || base === '..' ? 'job' : base;
}

/** --state-dir, $SAFEHALT_STATE_DIR, $STATE_DIRECTORY, $XDG_STATE_HOME/safehalt/NAME, ~/.local/state/safehalt/NAME or /var/lib/safehalt/NAME for root. */
export function resolveStateDir(loc: Locate, env: NodeJS.ProcessEnv = process.env): { dir: string; name: string } {
  const explicit = loc.stateDir || env.SAFEHALT_STATE_DIR || env.STATE_DIRECTORY?.split(':')[0];
  const name = loc.name ? validName(loc.name) : undefined;
  if (explicit) return { dir: path.resolve(explicit), name: name ?? defaultName(explicit) };
  const job = name ?? (loc.command ? defaultName(loc.command) : undefined);
  if (!job) throw usageError('which job? Give --name NAME or --state-dir DIR (or set SAFEHALT_STATE_DIR).');
  const base = env.XDG_STATE_HOME
    ? path.join(env.XDG_STATE_HOME, 'safehalt')
    : process.geteuid?.() === 0
      ? '/var/lib/safehalt'
      : path.join(env.HOME || os.homedir(), '.local', 'state', 'safehalt');
  return { dir: path.join(base, job), name: job };
}

/** Vet the directory (creating it 0700 when `create`); throws exit 78 naming the problem and the fix. */
export function prepareStateDir(dir: string, opts: { create: boolean; readOnly?: boolean }): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw configError(`state directory ${dir} cannot be examined (${code}).`);
    if (!opts.create) throw configError(`no state directory at ${dir}: check --name/--state-dir, or the job has never run.`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
    } catch (e2) {
      const c2 = (e2 as NodeJS.ErrnoException).code;
      throw configError(`state directory ${dir} cannot be created (${c2}); create it (install -d -m 700 ${dir}) or choose another with --state-dir.`);
    }
    return;
  }
  if (st.isSymbolicLink())
    throw configError(`state directory ${dir} is a symbolic link; safehalt does not follow it. Point --state-dir at the real directory.`);
  if (!st.isDirectory()) throw configError(`state directory ${dir} is not a directory; remove it or choose another --state-dir.`);
  const euid = process.geteuid?.();
  if (euid !== undefined && st.uid !== euid && !(opts.readOnly && euid === 0))
    throw configError(`state directory ${dir} is owned by uid ${st.uid}, not by this user (uid ${euid}); run as the job's user or chown it.`);
  if (!opts.readOnly && (st.mode & 0o022) !== 0)
    throw configError(`state directory ${dir} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 700 ${dir}.`);
}
