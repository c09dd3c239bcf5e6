// The .resume request: how `safehalt resume` asks a wrapper that holds the job's lock to clear its
// latched halt. The request names the halt it targets, who is waiting for the answer and until
// when; the wrapper honours it only for that halt, while its requester waits, and claims it first
// (rename to .resume.claimed) so that a request is either withdrawn by its requester or answered by
// the wrapper, never both. Any other .resume (stale, planted, from an older safehalt) is removed.
import { renameSync } from 'node:fs';
import { procStartTime, sameProcessAlive } from '../child/proc.ts';
import type { Latch } from '../policy/memory.ts';
import { isRecord } from '../util/json.ts';
import { writeJsonSync } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readTrustedJson, removeIfPresent } from './read-trusted.ts';

export const RESUME_REQUEST_SCHEMA = 2;

/** A latched halt, as a request names it: its reason and the moment it tripped. */
export interface HaltId {
  reason: string;
  wall: number;
  mono: number;
  boot: string;
}

export interface ResumeRequest {
  schema: typeof RESUME_REQUEST_SCHEMA;
  id: string;
  halt: HaltId;
  reason: string;
  by: string;
  at: string;
  /** The waiting `safehalt resume`: pid and start time; the wrapper ignores the request once it is gone. */
  pid: number;
  pidStartTime: string | null;
  /** Wall time after which nobody waits for an answer, whatever became of the requester. */
  expires: string;
}

export const haltId = (l: Latch): HaltId => ({ reason: l.reason, wall: l.at.wall, mono: l.at.mono, boot: l.at.boot });

export const sameHalt = (l: Latch | null, h: HaltId): boolean =>
  l !== null && l.reason === h.reason && l.at.wall === h.wall && l.at.mono === h.mono && l.at.boot === h.boot;

export function writeRequest(dir: string, halt: HaltId, who: { reason: string; by: string }, waitMs: number): ResumeRequest {
  const req: ResumeRequest = {
    schema: RESUME_REQUEST_SCHEMA,
    // node:crypto loaded here, only for a request: at import it cost every `resume` ~5 ms.
    id: process.getBuiltinModule('node:crypto').randomUUID(),
    halt,
    reason: who.reason,
    by: who.by,
    at: new Date().toISOString(),
    pid: process.pid,
    pidStartTime: procStartTime(process.pid),
    expires: new Date(Date.now() + waitMs).toISOString(),
  };
  writeJsonSync(filePath(dir, 'resume'), req, { durable: true });
  return req;
}

/** The request in .resume: null when there is none; a reason string when it must not be honoured now. */
export function readRequest(dir: string, latch: Latch | null, nowWall = Date.now()): ResumeRequest | string | null {
  let v: unknown;
  try {
    v = readTrustedJson(filePath(dir, 'resume'));
  } catch (e) {
    return (e as Error).message;
  }
  if (v === undefined) return null;
  if (!isRecord(v) || v.schema !== RESUME_REQUEST_SCHEMA || typeof v.id !== 'string' || !isRecord(v.halt))
    return 'it is not a request of this safehalt (touched by hand, or left by an older version)';
  const req = v as unknown as ResumeRequest;
  if (!sameHalt(latch, req.halt)) return `it targets the ${String(req.halt.reason)} halt of ${new Date(Number(req.halt.wall)).toISOString()}, which is not the one latched now`;
  if (!(Date.parse(String(req.expires)) > nowWall)) return `it expired at ${String(req.expires)}`;
  if (typeof req.pid !== 'number' || typeof req.pidStartTime !== 'string' || !sameProcessAlive(req.pid, req.pidStartTime)) return `its safehalt resume (pid ${String(req.pid)}) is no longer waiting`;
  return req;
}

/** The wrapper takes the request (true), or finds it withdrawn meanwhile (false). */
export function claimRequest(dir: string): boolean {
  try {
    renameSync(filePath(dir, 'resume'), filePath(dir, 'resumeClaimed'));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** The wrapper has answered: the claim goes (after the latch is cleared durably). */
export const finishClaim = (dir: string): boolean => removeIfPresent(filePath(dir, 'resumeClaimed'));

/** The requester gives up: true when its request was still there (nobody will act on it now). */
export const withdrawRequest = (dir: string): boolean => removeIfPresent(filePath(dir, 'resume'));
