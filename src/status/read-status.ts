// What `status` knows, read only from the files of the state directory.
import { loadMemory } from '../state/memory-store.ts';
import { filePath } from '../state/files.ts';
import { readTrustedJson } from '../state/read-trusted.ts';
import { readEvents } from '../state/events.ts';
import { readMarker, type Marker } from '../state/markers.ts';
import { liveWrapper } from '../state/live-wrapper.ts';
import { readChildHeartbeat } from '../state/child-heartbeat.ts';
import { readInflight } from '../state/inflight.ts';
import { isRecord } from '../util/json.ts';
import { STOP_REASONS, type StopReason } from '../policy/stop-reasons.ts';
import { resumeCommand } from '../policy/stop-report.ts';
import { itemsSummary, type ItemsSummary } from '../items/index.ts';
import { outcomes, type Health, type LastFailure } from './health.ts';

export interface StatusView {
  name: string;
  stateDir: string;
  state: 'running' | 'halted' | 'paused' | 'stopped' | 'never-run';
  /** Told apart from `state`: a stopped or running job can be failing (exit 87) without being halted. */
  health: Health;
  exitCode: number;
  failuresInARow: number;
  lastSuccess: string | null;
  lastFailure: LastFailure | null;
  wrapperPid: number | null;
  heartbeat: Record<string, unknown> | null;
  memory: ReturnType<typeof loadMemory>;
  stopFile: Marker | null;
  pauseFile: Marker | null;
  stopReason: Record<string, unknown> | null;
  child: ReturnType<typeof readChildHeartbeat>;
  inflight: ReturnType<typeof readInflight>;
  events: ReturnType<typeof readEvents>;
  items: ItemsSummary;
  halt: { reason: string; rule: string; message: string; since: string; explanation: string; resume: string } | null;
}

const obj = (v: unknown) => (isRecord(v) ? v : null);

/** What to read besides the job's own state: `status --all` reads no event log and no item store. */
export interface ReadDepth {
  recent: number;
  items: boolean;
}

const NO_ITEMS: ItemsSummary = { tracked: 0, broken: [], brokenCount: 0, skippedTotal: 0 };

export function readStatus(stateDir: string, name: string, depth: ReadDepth = { recent: 10, items: true }): StatusView {
  const memory = loadMemory(stateDir, name);
  const heartbeat = obj(readTrustedJson(filePath(stateDir, 'heartbeat')));
  const stopReason = obj(readTrustedJson(filePath(stateDir, 'stopReason')));
  // The wrapper runs when its own records name a live process (pid and start time), whether or not
  // run.lock is still there.
  const owner = liveWrapper(stateDir);
  const alive = owner !== null;
  const stopFile = readMarker(filePath(stateDir, 'stop'));
  const pauseFile = readMarker(filePath(stateDir, 'pause'));
  const l = memory.latch;
  const halt = l
    ? { reason: l.reason, rule: l.rule, message: l.message, since: new Date(l.at.wall).toISOString(), explanation: STOP_REASONS[l.reason as StopReason].means, resume: resumeCommand(stateDir) }
    : null;
  const state: StatusView['state'] = halt ? 'halted' : pauseFile ? 'paused' : alive ? 'running' : memory.runs === 0 && !stopReason ? 'never-run' : 'stopped';
  const o = outcomes(memory, l, pauseFile !== null, state !== 'never-run');
  return {
    name: memory.name || name,
    stateDir,
    state,
    ...o,
    wrapperPid: alive ? owner!.pid : null,
    heartbeat,
    memory,
    stopFile,
    pauseFile,
    stopReason,
    child: readChildHeartbeat(stateDir),
    inflight: readInflight(stateDir),
    events: depth.recent > 0 ? readEvents(stateDir, depth.recent) : [],
    items: depth.items ? itemsSummary(stateDir) : NO_ITEMS,
    halt,
  };
}
