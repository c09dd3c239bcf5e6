// The supervisor as one pure machine: its state, the events it reacts to and the effects it asks
// for. step.ts decides; runner.ts carries the effects out. Nothing here does I/O.
import type { Stamp } from '../policy/clock.ts';
import type { PolicyConfig } from '../policy/config.ts';
import type { Memory } from '../policy/memory.ts';
import type { StopReason } from '../policy/stop-reasons.ts';
import type { Marker } from '../state/markers.ts';

export type Phase =
  | 'locking' // waiting for the job's lock (--wait-lock)
  | 'orphan' // waiting for the child of a dead wrapper to exit (--orphan wait)
  | 'spawning' // spawn asked for; waiting for started or spawn-failed
  | 'running' // the child runs
  | 'holding' // a graceful stop waits for the child's action in flight (--action-grace)
  | 'stopping' // the child was signalled; waiting for its exit
  | 'backoff' // after a failure, until the backoff timer
  | 'waiting' // loop mode, until the interval timer
  | 'paused' // .pause present: no new run until it goes
  | 'halted' // latched; with --probe-after, until the probe timer or a resume
  | 'done'; // an exit was asked for: nothing more happens

export const PHASES: readonly Phase[] = ['locking', 'orphan', 'spawning', 'running', 'holding', 'stopping', 'backoff', 'waiting', 'paused', 'halted', 'done'];

export type TimerName = 'next-start' | 'min-uptime' | 'kill' | 'timeout' | 'stall' | 'probe' | 'action-grace' | 'runtime';

export type Event =
  | { type: 'lock-acquired'; orphanPid: number | null }
  | { type: 'lock-busy' }
  | { type: 'orphan-gone' }
  | { type: 'child-started'; pid: number; pidStartTime?: string | null }
  | { type: 'spawn-failed'; code: number; error: string }
  | { type: 'child-exited'; code: number | null; signal: string | null; stderrTail: string; cost: number; progress: string | null; jitter: number; retryAfterMs?: number | null; durationMs?: number; ending?: Ending | null; boundary?: AtBoundary }
  /** Any signal the wrapper handles (src/signals/signal-table.ts says what each means). */
  | { type: 'signal'; signal: NodeJS.Signals }
  | { type: 'stop-file'; now: boolean; marker?: Marker | null }
  | { type: 'pause-file'; present: boolean; marker?: Marker | null }
  /** A valid resume request, read and claimed by the edge (a stale or foreign .resume is never an event). */
  | { type: 'resume-file'; by?: string | null; reason?: string | null; request?: string }
  | { type: 'action'; name: string | null }
  | { type: 'timer'; timer: TimerName }
  | { type: 'write-failed'; file: string; message: string };

export const EVENT_TYPES: readonly Event['type'][] = ['lock-acquired', 'lock-busy', 'orphan-gone', 'child-started', 'spawn-failed', 'child-exited', 'signal', 'stop-file', 'pause-file', 'resume-file', 'action', 'timer', 'write-failed'];

export type Effect =
  | { type: 'spawn'; iteration: number }
  | { type: 'signal-group'; pid: number; signal: NodeJS.Signals }
  | { type: 'arm'; timer: TimerName; ms: number }
  | { type: 'cancel'; timer: TimerName }
  /** `warn`: only counts are saved, a failed write is a warning with this text (never hides a failure). */
  | { type: 'save-memory'; memory: Memory; warn?: string }
  | { type: 'stop-reason'; reason: StopReason; exitCode: number; message: string; rule: string | null; waited: Waited | null; marker?: MarkerInfo | null }
  /** A latched halt was cleared: stop-reason.json says so (by whom, why). */
  | { type: 'cleared'; halt: string; by: string | null; reason: string | null; automatic: boolean }
  | { type: 'event'; name: string; fields: Record<string, unknown> }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; text: string }
  | { type: 'announce'; phase: Phase; detail?: string | null }
  | { type: 'run-hook'; reason: StopReason }
  | { type: 'exit'; code: number };

/** What a stop waited for: the action in flight, and how long (for the log, status, stop reason). */
export interface Waited {
  action: string;
  ms: number;
  ended: 'action-ended' | 'grace-expired' | 'escalated' | 'child-exited' | 'timeout' | 'write-failed';
}

export type StopKind = 'SIGNAL' | 'STOP_FILE' | 'USER_KILLED';

/** The marker file that asked for a stop (who, why, when), for the stop reason. */
export type MarkerInfo = Marker;

/** The stop and pause files the edge found present when the run ended (presence checks at the boundary). */
export interface AtBoundary {
  stop: Marker | null;
  pause: Marker | null;
}

/** How the wrapper ended the last run: the first signal, and SIGKILL after it (and why). */
export interface Ending {
  signal: string;
  killedBy: 'kill-timeout' | 'escalation' | null;
}

export interface Stop {
  kind: StopKind;
  marker?: MarkerInfo | null;
  /** End a running child now, rather than at the next boundary. */
  now: boolean;
  /** The signal the wrapper received (the child gets childStopSignal of it). */
  signal: NodeJS.Signals | null;
  /** A `stop --now` marker was seen: it waits neither for an action in flight nor, in service mode, for --kill-timeout. */
  byNow?: boolean;
}

export interface Child {
  pid: number;
  startedMono: number;
  /** Why the wrapper is ending this run, if it is. */
  cause: 'timeout' | 'stalled' | 'stopped' | 'budget' | null;
  /** SIGKILL already sent. */
  killed: boolean;
}

export interface MachineConfig extends PolicyConfig {
  killTimeoutMs: number;
  actionGraceMs: number;
  probeAfterMs: number;
  probeMaxMs: number;
  stallTimeoutMs: number;
  /** For the resume command in the halt line. */
  stateDir?: string;
}

export interface MachineState {
  phase: Phase;
  memory: Memory;
  iteration: number;
  /** The iteration this wrapper started at. */
  firstIteration: number;
  iterationsThisRun: number;
  startedMono: number;
  /** The running child; null from its exit on, so that nothing ever signals a reaped pid. */
  child: Child | null;
  /** The last run was ended by SIGKILL (its stop is told as a kill, not as graceful). */
  killedLast: boolean;
  /** How the last run was ended, as the runtime saw it; undefined in a model run (killedLast tells). */
  ending?: Ending | null;
  stop: Stop | null;
  /** SIGTERM/SIGINT received: a second one escalates. */
  signals: number;
  paused: boolean;
  /** Who paused and why (the .pause marker), for the log and status. */
  pauseMarker?: Marker | null;
  probing: boolean;
  /** The child's action in flight (heartbeat --begin ... --end). */
  action: { name: string; sinceMono: number } | null;
  /** While holding: when the hold began. */
  holdSinceMono: number | null;
  waited: Waited | null;
  /** A write of memory failed: the wrapper ends with 78 once no child runs. */
  fatal: string | null;
}

export type Step = { state: MachineState; effects: Effect[] };
export type Now = Stamp;
