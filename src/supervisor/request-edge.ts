// Requests from outside, read at the edge and handed to the machine as events: the stop and pause
// files (presence checks; a watcher event only makes the edge look again), a `safehalt resume`
// request (read and claimed by its protocol: a stale or foreign .resume never reaches the machine),
// and the child's action in flight (child-heartbeat.json), looked at before a request and during a hold.
import type { AtBoundary, Event, MachineState } from '../machine/types.ts';
import { readChildHeartbeat } from '../state/child-heartbeat.ts';
import { filePath } from '../state/files.ts';
import { firstMarker } from '../state/markers.ts';
import { removeIfPresent } from '../state/read-trusted.ts';
import { claimRequest, finishClaim, readRequest } from '../state/resume-request.ts';
import { stopFiles } from './stop-files.ts';
import type { Job } from './job.ts';

export type Boundary = () => AtBoundary;

/** What is present now: the first stop file, and the pause file. */
export const presentMarkers = (job: Job): AtBoundary => ({ stop: firstMarker(stopFiles(job)), pause: firstMarker([filePath(job.cfg.stateDir, 'pause')]) });

/** Events for what changed since the machine last heard: a stop (or a stop --now after another stop), a pause that came or went. */
export function markerEvents(job: Job, s: MachineState): Event[] {
  const { stop, pause } = presentMarkers(job);
  const events: Event[] = [];
  if (stop && (!s.stop || (stop.now && !s.stop.byNow))) events.push({ type: 'stop-file', now: stop.now, marker: stop });
  if ((pause !== null) !== s.paused) events.push({ type: 'pause-file', present: pause !== null, marker: pause });
  return events;
}

/** The child's action in flight, as child-heartbeat.json names it (a damaged file holds nothing here). */
export function actionInFlight(job: Job): string | null {
  try {
    return readChildHeartbeat(job.cfg.stateDir)?.action?.name ?? null;
  } catch {
    return null;
  }
}

/** An action event when the file says other than the machine knows (only while a child runs). */
export function actionEvent(job: Job, s: MachineState): Event | null {
  if (!s.child || (s.phase !== 'running' && s.phase !== 'holding')) return null;
  const name = actionInFlight(job);
  return name === (s.action?.name ?? null) ? null : { type: 'action', name };
}

/**
 * A `safehalt resume` waiting on this wrapper (it holds the lock): honoured when it targets the halt
 * latched now and its requester still waits. It is claimed, handed to the machine (which clears the
 * latch durably), then the claim goes (the requester's acknowledgement). Any other .resume is removed.
 */
export function takeResume(job: Job, s: MachineState, deliver: (e: Event) => void): boolean {
  const dir = job.cfg.stateDir;
  const req = readRequest(dir, s.memory.latch);
  if (req === null) return false;
  if (typeof req === 'string') {
    removeIfPresent(filePath(dir, 'resume'));
    job.event('resume-ignored', { why: req });
    job.log.warn(`ignored and removed ${filePath(dir, 'resume')}: ${req}`);
    return false;
  }
  if (!claimRequest(dir)) return false; // withdrawn by its requester this instant
  try {
    deliver({ type: 'resume-file', by: req.by, reason: req.reason, request: req.id });
  } finally {
    finishClaim(dir);
  }
  return true;
}
