// Every entry of the state directory's layout (src/state/files.ts) is checked at start, before the
// lock is taken and before any child runs: a file planted where a state file belongs (a directory, a
// FIFO, a link, another user's file) is exit 78 naming it, not a busy lock for a minute, a child that
// runs and then a refusal, or an "internal error".
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import path from 'node:path';
import { configError } from '../exit-codes.ts';
import { filePath, type FileKey } from './files.ts';
import { fileType } from './read-bounded.ts';

// Files that must be regular files of ours when present: those whose failure would end the job (or
// leave it unaudited) once the child runs. Markers count by presence alone (any type stops).
// heartbeat.json is best effort (a warning when it cannot be written): only a link there is refused.
const REGULAR: FileKey[] = ['state', 'stopReason', 'inflight', 'events', 'childHeartbeat', 'lockOwner', 'itemsConfig'];
const NO_LINK: FileKey[] = ['heartbeat'];
// Directories: proper-lockfile's lock is a directory, and so is the item store.
const DIRECTORIES: FileKey[] = ['lock', 'items'];
const CLAIM = /^lock-claim\.\d+\.json$/;

function vetEntry(file: string, kind: 'file' | 'dir' | 'no-link'): void {
  const dir = kind === 'dir';
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw configError(`${file} cannot be examined (${code}); check the state directory's owner and mode.`);
  }
  if (st.isSymbolicLink())
    throw configError(`${file} is a symbolic link; safehalt never follows or writes through one in its state directory. Remove it (rm ${file}) and start again.`);
  if (kind === 'no-link') return;
  if (dir ? !st.isDirectory() : !st.isFile())
    throw configError(`${file} is ${fileType(st)}, not ${dir ? 'a directory' : 'a regular file'}; move it aside (mv ${file} ${file}.bad) and start again.`);
  const euid = process.geteuid?.();
  if (euid !== undefined && st.uid !== euid)
    throw configError(`${file} is owned by uid ${st.uid}, not by this user (uid ${euid}), so it is not this job's; run as the job's user, or remove it or chown it.`);
}

/** Exit 78 naming the first entry of the layout that is not what safehalt writes there. */
export function vetLayout(stateDir: string): void {
  for (const key of REGULAR) vetEntry(filePath(stateDir, key), 'file');
  for (const key of NO_LINK) vetEntry(filePath(stateDir, key), 'no-link');
  for (const key of DIRECTORIES) vetEntry(filePath(stateDir, key), 'dir');
  let names: string[] = [];
  try {
    names = readdirSync(stateDir);
  } catch (e) {
    throw configError(`state directory ${stateDir} cannot be listed (${(e as NodeJS.ErrnoException).code}); check its owner and mode.`);
  }
  for (const name of names) if (CLAIM.test(name)) vetEntry(path.join(stateDir, name), 'file');
}
