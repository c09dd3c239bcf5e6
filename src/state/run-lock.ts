// One `run` per job: a proper-lockfile lock inside the state directory, with an owner record so that
// the lock of a wrapper that died (SIGKILL, OOM) on this machine is taken over at once, and never
// while its owner lives. Owners elsewhere (a shared volume) fall back to the lock's stale window.
// A contender first leaves a claim (lock-claim.PID.json), so that a wrapper killed between taking
// the lock and recording itself is still known: no live claim means its owner is dead.
import { statSync, utimesSync } from 'node:fs';
import { lockFs } from './lock-fs.ts';
import { claimPath, claimsAlive, identity, processAlive, removeQuietly, type Identity } from './lock-claims.ts';
import { writeJsonSync } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readTrustedJson } from './read-trusted.ts';
import { liveWrapper } from './live-wrapper.ts';
import { isRecord } from '../util/json.ts';

export const LOCK_STALE_MS = 60_000;
// The lock's mtime is refreshed as seldom as proper-lockfile allows (stale / 2): each refresh wakes
// an idle wrapper (a timer and two thread-pool calls).
export const LOCK_UPDATE_MS = LOCK_STALE_MS / 2;

export interface Owner extends Identity {
  lockIno: number;
  lockBirth: number;
}

export type LockResult = { ok: true; release: () => Promise<void> } | { ok: false; owner: Pick<Owner, 'pid'> | null };

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
  // Not recorded for this lock directory: its owner is in the gap before recording itself, or died there.
  if (!owner || owner.lockIno !== st.ino || owner.lockBirth !== st.birthtimeMs) return { alive: claimsAlive(stateDir), owner };
  return { alive: processAlive(owner), owner };
}

export async function tryLock(stateDir: string, onCompromised: (e: Error) => void): Promise<LockResult> {
  const claim = claimPath(stateDir, process.pid);
  writeJsonSync(claim, identity(), { durable: false });
  try {
    return await lockWithClaim(stateDir, onCompromised);
  } finally {
    removeQuietly(claim);
  }
}

async function lockWithClaim(stateDir: string, onCompromised: (e: Error) => void): Promise<LockResult> {
  const lockDir = filePath(stateDir, 'lock');
  // A wrapper that runs is never taken over, whatever happened to its lock directory (removed by
  // hand, recreated): its own records (pid and start time) say it lives.
  const live = liveWrapper(stateDir);
  if (live) return { ok: false, owner: live };
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
    // Loaded here, not by every command that reads the owner record (~5 ms of a start).
    const { default: lockfile } = await import('proper-lockfile');
    release = await lockfile.lock(stateDir, {
      lockfilePath: lockDir,
      realpath: false,
      fs: lockFs,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      onCompromised,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') return { ok: false, owner };
    throw e;
  }
  const st = statSync(lockDir);
  const ownerFile = filePath(stateDir, 'lockOwner');
  writeJsonSync(
    ownerFile,
    {
      ...identity(),
      lockIno: st.ino,
      lockBirth: st.birthtimeMs,
    } satisfies Owner,
    { durable: false },
  );
  // Given back: the record goes first, so that nobody takes this still-living process for an owner.
  const releaseOwned = async () => {
    if (readOwner(stateDir)?.pid === process.pid) removeQuietly(ownerFile);
    await release();
  };
  return { ok: true, release: releaseOwned };
}
