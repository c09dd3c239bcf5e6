// One `run` per job: a proper-lockfile lock inside the state directory, with an owner record so that
// the lock of a wrapper that died (SIGKILL, OOM) on this machine is taken over at once, and never
// while its owner lives. Owners elsewhere (a shared volume) fall back to the lock's stale window.
import { statSync, utimesSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import { currentBootId } from './system-clock.ts';
import { pidNamespace, procStartTime, sameProcessAlive } from '../child/proc.ts';
import { writeJsonSync } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readTrustedJson } from './read-trusted.ts';
import { isRecord } from '../util/json.ts';

export const LOCK_STALE_MS = 60_000;
export const LOCK_UPDATE_MS = 20_000;

export interface Owner {
  pid: number;
  startTime: string | null;
  boot: string;
  pidns: string;
  lockIno: number;
  lockBirth: number;
}

export type LockResult = { ok: true; release: () => Promise<void> } | { ok: false; owner: Owner | null };

export function readOwner(stateDir: string): Owner | null {
  try {
    const v = readTrustedJson(filePath(stateDir, 'lockOwner'));
    return isRecord(v) && typeof v.pid === 'number' ? (v as unknown as Owner) : null;
  } catch {
    return null;
  }
}

/** Is the lock directory held by a live process on this machine (true), a dead one (false), or unknown (null)? */
function ownerState(stateDir: string, lockDir: string): { alive: boolean | null; owner: Owner | null } {
  const owner = readOwner(stateDir);
  let st;
  try {
    st = statSync(lockDir);
  } catch {
    return { alive: null, owner };
  }
  if (!owner || owner.lockIno !== st.ino || owner.lockBirth !== st.birthtimeMs) return { alive: null, owner };
  if (owner.boot !== currentBootId()) return { alive: false, owner };
  if (owner.pidns !== pidNamespace()) return { alive: null, owner };
  return { alive: sameProcessAlive(owner.pid, owner.startTime), owner };
}

export async function tryLock(stateDir: string, onCompromised: (e: Error) => void): Promise<LockResult> {
  const lockDir = filePath(stateDir, 'lock');
  const { alive, owner } = ownerState(stateDir, lockDir);
  if (alive === true) return { ok: false, owner };
  if (alive === false) {
    // The recorded owner is gone: age the lock so proper-lockfile takes it over as stale.
    try {
      utimesSync(lockDir, 0, 0);
    } catch {
      /* removed meanwhile */
    }
  }
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(stateDir, {
      lockfilePath: lockDir,
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      onCompromised,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') return { ok: false, owner };
    throw e;
  }
  const st = statSync(lockDir);
  writeJsonSync(
    filePath(stateDir, 'lockOwner'),
    {
      pid: process.pid,
      startTime: procStartTime(process.pid),
      boot: currentBootId(),
      pidns: pidNamespace(),
      lockIno: st.ino,
      lockBirth: st.birthtimeMs,
    } satisfies Owner,
    { durable: false },
  );
  return { ok: true, release };
}
