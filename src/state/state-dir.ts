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

export interface Located {
  dir: string;
  name: string;
  /** The directories a name lookup tried, in order (empty when the directory was given). */
  looked: string[];
}

/** A directory from the environment belongs to the named job only: inside a supervised child,
 * SAFEHALT_STATE_DIR is the calling job's, and an explicit --name for another job must win. */
function fromEnv(env: NodeJS.ProcessEnv, name: string | undefined): string | undefined {
  const own = env.SAFEHALT_STATE_DIR;
  if (own && (!name || name === (env.SAFEHALT_NAME || path.basename(own)))) return own;
  const systemd = env.STATE_DIRECTORY?.split(':')[0];
  if (systemd && (!name || name === path.basename(systemd))) return systemd;
  return undefined;
}

/** Where a job called `job` may live, in lookup order: the user's own directory, then the system
 * one (systemd's StateDirectory=safehalt/NAME, also for a User= unit). Root looks in the system one. */
export function candidateDirs(job: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const system = path.join('/var/lib/safehalt', job);
  if (env.XDG_STATE_HOME) return [path.join(env.XDG_STATE_HOME, 'safehalt', job), system];
  if (process.geteuid?.() === 0) return [system];
  return [path.join(env.HOME || os.homedir(), '.local', 'state', 'safehalt', job), system];
}

/** A directory this user may use as a job's: it exists and is its own (root: anyone's). */
function ours(dir: string): boolean {
  try {
    const euid = process.geteuid?.();
    return euid === undefined || euid === 0 || lstatSync(dir).uid === euid;
  } catch {
    return false;
  }
}

/** --state-dir; $SAFEHALT_STATE_DIR or $STATE_DIRECTORY when they are the named job's; else the
 * first of candidateDirs(NAME) that exists and is this user's (the first one when none is: where
 * `run` creates it). */
export function resolveStateDir(loc: Locate, env: NodeJS.ProcessEnv = process.env): Located {
  const name = loc.name ? validName(loc.name) : undefined;
  const explicit = loc.stateDir || fromEnv(env, name);
  if (explicit) return { dir: path.resolve(explicit), name: name ?? defaultName(explicit), looked: [] };
  const job = name ?? (loc.command ? defaultName(loc.command) : undefined);
  if (!job) throw usageError('which job? Give --name NAME or --state-dir DIR (or set SAFEHALT_STATE_DIR).');
  const looked = candidateDirs(job, env);
  return { dir: looked.find(ours) ?? looked[0], name: job, looked };
}

/** Vet the directory (creating it 0700 when `create`); throws exit 78 naming the problem and the fix. */
export function prepareStateDir(dir: string, opts: { create: boolean; readOnly?: boolean; foreign?: boolean }): void {
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
  // Root may read and act on any job's directory (`foreign`: status, stop, pause, resume; the files
  // keep their owner, atomic-write.ts); `run` only in its own, so a child never runs on another's memory.
  const euid = process.geteuid?.();
  if (euid !== undefined && st.uid !== euid && !(euid === 0 && (opts.foreign || opts.readOnly)))
    throw configError(`state directory ${dir} is owned by uid ${st.uid}, not by this user (uid ${euid}); run as the job's user or chown it.`);
  if (!opts.readOnly && (st.mode & 0o022) !== 0)
    throw configError(`state directory ${dir} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 700 ${dir}.`);
}
