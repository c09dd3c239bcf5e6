// Is another wrapper of this job alive right now? Asked before the lock is taken over, so that an
// operator removing run.lock (or lock-owner.json) by hand never gives a job two wrappers and two
// children. Each of the wrapper's own records names it by pid, start time, boot and pid namespace.
import { isSameProcess, type ProcessIdentity } from '../child/proc.ts';
import { isRecord } from '../util/json.ts';
import { filePath, type FileKey } from './files.ts';
import { readTrustedJson } from './read-trusted.ts';

/** Where each record keeps the wrapper's identity. */
const RECORDS: ReadonlyArray<{ key: FileKey; pid: string; startTime: string; at: (v: Record<string, unknown>) => number }> = [
  { key: 'lockOwner', pid: 'pid', startTime: 'startTime', at: (v) => Number(v.lockBirth) },
  { key: 'heartbeat', pid: 'pid', startTime: 'pidStartTime', at: (v) => Date.parse(String(v.time)) },
  { key: 'inflight', pid: 'wrapperPid', startTime: 'wrapperStartTime', at: (v) => Date.parse(String(v.startedAt)) },
];

/** A final heartbeat is written by a wrapper that is about to exit, its lock already given back. */
const FINAL_PHASES = new Set(['stopped', 'halted']);

function recorded(stateDir: string, r: (typeof RECORDS)[number]): (ProcessIdentity & { at: number }) | null {
  let v: unknown;
  try {
    v = readTrustedJson(filePath(stateDir, r.key));
  } catch {
    return null; // untrusted: the checks at start report it
  }
  if (!isRecord(v) || typeof v[r.pid] !== 'number' || typeof v[r.startTime] !== 'string') return null;
  if (r.key === 'heartbeat' && FINAL_PHASES.has(String(v.phase))) return null;
  const text = (x: unknown) => (typeof x === 'string' ? x : undefined);
  return { pid: v[r.pid] as number, startTime: v[r.startTime] as string, boot: text(v.boot), pidns: text(v.pidns), at: r.at(v) };
}

/** The first record naming a live wrapper other than this one, or null. */
export function liveWrapper(stateDir: string): ProcessIdentity | null {
  for (const r of RECORDS) {
    const id = recorded(stateDir, r);
    if (id && id.pid !== process.pid && isSameProcess(id, id.at)) return id;
  }
  return null;
}
