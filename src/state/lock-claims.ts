// Who holds or contends for the job's lock, as the lock records them (lock-owner.json and the
// claims lock-claim.PID.json): alive, dead, or unknowable from here.
import { readdirSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pidNamespace, procStartTime, sameBoot, sameProcessAlive } from '../child/proc.ts';
import { isRecord } from '../util/json.ts';
import { readTrustedJson } from './read-trusted.ts';
import { currentBootId } from './system-clock.ts';

export interface Identity {
  pid: number;
  startTime: string | null;
  /** The machine: an owner elsewhere (same boot id impossible to compare) is trusted until stale. */
  host?: string;
  boot: string;
  pidns: string;
  /** When the lock directory was made (ms): the owner record's time. */
  lockBirth?: number;
}

export const identity = (): Identity => ({ pid: process.pid, startTime: procStartTime(process.pid), host: os.hostname(), boot: currentBootId(), pidns: pidNamespace() });
/** Alive (true), dead (false), or unknowable from here (null: another machine or pid namespace, or
 * a record without a start time whose pid is in use: maybe the owner, maybe a stranger). */
export function processAlive(p: Identity): boolean | null {
  if (p.host !== undefined && p.host !== os.hostname()) return null;
  if (!sameBoot(p.boot, p.lockBirth)) return p.host === undefined ? null : false;
  if (p.pidns !== pidNamespace()) return null;
  if (typeof p.startTime !== 'string') return procStartTime(p.pid) === null ? false : null;
  return sameProcessAlive(p.pid, p.startTime);
}

const CLAIM = /^lock-claim\.(\d+)\.json$/;
export const claimPath = (stateDir: string, pid: number) => path.join(stateDir, `lock-claim.${pid}.json`);

/** A lock without its owner record: null while any claim may be live, false when every claimant is dead. */
export function claimsAlive(stateDir: string): boolean | null {
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

export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* gone already */
  }
}

