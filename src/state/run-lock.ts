// One `run` per job: a proper-lockfile lock inside the state directory, with an owner record so that
// the lock of a wrapper that died (SIGKILL, OOM) on this machine is taken over at once, and never
// while its owner lives. Owners elsewhere (a shared volume) fall back to the lock's stale window.
// A contender first leaves a claim (lock-claim.PID.json), so that a wrapper killed between taking
// the lock and recording itself is still known: no live claim means its owner is dead.
import { readdirSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { lockFs } from './lock-fs.ts';
import { currentBootId } from './system-clock.ts';
import { pidNamespace, procStartTime, sameBoot, sameProcessAlive } from '../child/proc.ts';
import { writeJsonSync } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readTrustedJson } from './read-trusted.ts';
import { liveWrapper } from './live-wrapper.ts';
import { isRecord } from '../util/json.ts';

export const LOCK_STALE_MS = 60_000;
// The lock's mtime is refreshed as seldom as proper-lockfile allows (stale / 2): each refresh wakes
// an idle wrapper (a timer and two thread-pool calls).
export const LOCK_UPDATE_MS = LOCK_STALE_MS / 2;

export interface Owner {
  pid: number;
  startTime: string | null;
  /** The machine: an owner elsewhere (same boot id impossible to compare) is trusted until stale. */
  host?: string;
  boot: string;
  pidns: string;
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

type Identity = Pick<Owner, 'pid' | 'startTime' | 'host' | 'boot' | 'pidns'> & Partial<Pick<Owner, 'lockBirth'>>;

const identity = (): Identity => ({ pid: process.pid, startTime: procStartTime(process.pid), host: os.hostname(), boot: currentBootId(), pidns: pidNamespace() });

/** Alive (true), dead (false), or unknowable from here (null: another machine or pid namespace, or
 * a record without a start time whose pid is in use: maybe the owner, maybe a stranger). */
function processAlive(p: Identity): boolean | null {
  if (p.host !== undefined && p.host !== os.hostname()) return null;
  if (!sameBoot(p.boot, p.lockBirth)) return p.host === undefined ? null : false;
  if (p.pidns !== pidNamespace()) return null;
  if (typeof p.startTime !== 'string') return procStartTime(p.pid) === null ? false : null;
  return sameProcessAlive(p.pid, p.startTime);
}

const CLAIM = /^lock-claim\.(\d+)\.json$/;
const claimPath = (stateDir: string, pid: number) => path.join(stateDir, `lock-claim.${pid}.json`);

/** A lock without its owner record: null while any claim may be live, false when every claimant is dead. */
function claimsAlive(stateDir: string): boolean | null {
  let alive: boolean | null = false;
  for (const name of readdirSync(stateDir)) {
    if (!CLAIM.test(name) || Number(CLAIM.exec(name)![1]) === process.pid) continue;
    let claim: Identity | null = null;
    try {
      const v = readTrustedJson(path.join(stateDir, name));
      if (isRecord(v) && typeof v.pid === 'number') claim = v as unknown as Identity;
    } catch {
      /* unreadable: not ours to judge */
    }
    const state = claim ? processAlive(claim) : null;
    if (state === false) removeQuietly(path.join(stateDir, name));
    else alive = null;
  }
  return alive;
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* gone already */
  }
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
