// A command that changed the job's state (resume, pause, stop, a refused start, an item verdict)
// rewrites the metrics file at once: an alert on a halt resolves on resume, not at the next run.
import { lstatSync } from 'node:fs';
import { writeAtomicSync, WriteError } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import { loadMemory } from '../state/memory-store.ts';
import { readTrustedJson } from '../state/read-trusted.ts';
import { lastPulseMs } from '../state/child-heartbeat.ts';
import { readMarker } from '../state/markers.ts';
import { itemsGauges } from '../items/index.ts';
import { isRecord } from '../util/json.ts';
import { asOwner } from '../status/as-owner.ts';
import { existsSync } from 'node:fs';
import { sameProcessAlive } from '../child/proc.ts';
import { readOwner } from '../state/run-lock.ts';
import type { Phase, Snapshot } from '../supervisor/bus.ts';
import { PHASES, renderMetrics } from './metrics-format.ts';
import { readMetricsTarget } from './metrics-target.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** The job as the files tell it; with no live wrapper (or the caller is the wrapper that is ending) it is down. */
function snapshot(stateDir: string, name: string, up: boolean): Snapshot {
  const memory = loadMemory(stateDir, name);
  const raw = readTrustedJson(filePath(stateDir, 'heartbeat'));
  const hb = isRecord(raw) ? raw : {};
  const down: Phase = memory.latch ? 'halted' : readMarker(filePath(stateDir, 'pause')) ? 'paused' : 'stopped';
  const phase = up && PHASES.includes(hb.phase as Phase) ? (hb.phase as Phase) : down;
  const iteration = typeof hb.iteration === 'number' ? hb.iteration : memory.iterations + memory.failures + 1;
  return { phase, iteration, childPid: up && typeof hb.childPid === 'number' ? hb.childPid : null, childStartedAt: str(hb.childStartedAt), memory, nextStartAt: up ? str(hb.nextStartAt) : null, detail: null };
}

function wrapperAlive(stateDir: string): boolean {
  const owner = readOwner(stateDir);
  return owner !== null && existsSync(filePath(stateDir, 'lock')) && sameProcessAlive(owner.pid, owner.startTime);
}

function gauges(stateDir: string) {
  try {
    return itemsGauges(stateDir);
  } catch {
    return null;
  }
}

/** Best effort: a metrics file that cannot be written is a warning, never the command's failure. */
export function refreshMetrics(stateDir: string, opts: { ending?: boolean } = {}): void {
  try {
    const st = lstatSync(stateDir);
    // Root acting on another user's job writes as that user: a path the user chose is never written as root.
    asOwner(st.uid, st.gid, () => {
      const target = readMetricsTarget(stateDir);
      if (!target) return;
      const up = !opts.ending && wrapperAlive(stateDir);
      const s = snapshot(stateDir, target.name, up);
      const text = renderMetrics(target.name, s, { up, items: gauges(stateDir), heartbeatIntervalMs: target.heartbeatIntervalMs, stallTimeoutMs: target.stallTimeoutMs, lastChildHeartbeatMs: lastPulseMs(stateDir) });
      writeAtomicSync(target.path, text, { durable: false, mode: 0o644 });
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // no state directory: nothing to refresh
    const why = e instanceof WriteError ? `cannot write ${e.file}: ${e.why}` : (e as Error).message;
    process.stderr.write(`safehalt: warning: metrics file not refreshed: ${why}\n`);
  }
}
