// Clearing a latched halt for `safehalt resume`: durably, or not at all and said so. With the job's
// lock free, under the lock here; with a wrapper holding it (its --on-halt hook, a refusing run,
// --probe-after in phase halted), through a .resume request that wrapper answers, waiting a bounded
// time for the answer or for the lock. The request is withdrawn on every path that leaves it.
import { EXIT } from '../exit-codes.ts';
import { clearLatch, type Latch } from '../policy/memory.ts';
import { systemClock } from '../state/system-clock.ts';
import { filePath } from '../state/files.ts';
import { loadMemory, saveMemory } from '../state/memory-store.ts';
import { removeIfPresent } from '../state/read-trusted.ts';
import { haltId, sameHalt, withdrawRequest, writeRequest, type HaltId } from '../state/resume-request.ts';
import { tryLock } from '../state/run-lock.ts';
import { markStopReportCleared } from '../state/stop-report-cleared.ts';
import { formatDuration } from '../util/duration.ts';
import { sleep } from '../util/long-timer.ts';
import { existsSync } from 'node:fs';
import { readEvents } from '../state/events.ts';

export type Cleared = { ok: true; self: boolean; message: string } | { ok: false; code: number; message: string };

export interface Who {
  reason: string;
  by: string;
}

const POLL_MS = 100;
/** A wrapper that claimed the request is given this long to answer after the wait ends. */
const ANSWER_GRACE_MS = 5_000;

/** Under the lock: nobody else can change the latch now. */
async function clearUnderLock(dir: string, name: string, target: HaltId, who: Who, request: string | null): Promise<Cleared> {
  withdrawRequest(dir);
  removeIfPresent(filePath(dir, 'resumeClaimed')); // left by a wrapper that died answering
  const m = loadMemory(dir, name);
  if (!sameHalt(m.latch, target)) return answered(dir, m.latch, target, null, request);
  await saveMemory(dir, clearLatch(m, systemClock.now())); // fsync of file and directory
  markStopReportCleared(dir, { halt: target.reason, by: who.by, reason: who.reason, at: new Date().toISOString(), automatic: false });
  return { ok: true, self: true, message: `cleared the ${target.reason} halt` };
}

/** The request is gone without us holding the lock: answered by the wrapper (its `resumed` event
 * carries the request id), or dropped by it as not applying; another halt may have latched since. */
function answered(dir: string, now: Latch | null, target: HaltId, pid: number | null, request: string | null): Cleared {
  const by = pid ? `the running wrapper (pid ${pid})` : 'the wrapper';
  const ours = request !== null && readEvents(dir, 200).some((e) => e.event === 'resumed' && e.request === request);
  const again = now && !sameHalt(now, target) ? ` (the job has halted again since: ${now.reason})` : '';
  if (ours) return { ok: true, self: false, message: `${by} cleared the ${target.reason} halt${again}` };
  if (sameHalt(now, target)) return { ok: false, code: EXIT.BUSY, message: `${by} did not accept the request; the ${target.reason} halt is still latched. See safehalt status, then try again.` };
  if (now === null) return { ok: true, self: false, message: `the ${target.reason} halt is no longer latched` };
  return {
    ok: false,
    code: EXIT.LATCHED,
    message: `the ${target.reason} halt was cleared, but the job has halted again since (${now.reason}: ${now.message}); see safehalt status, then resume again.`,
  };
}

/** With the lock free: the answer, cleared under it; else who holds the lock. */
async function tryUnderLock(dir: string, name: string, target: HaltId, who: Who, request: string | null): Promise<{ done: Cleared } | { pid: number | null }> {
  const held = await tryLock(dir, () => undefined);
  if (!held.ok) return { pid: held.owner?.pid ?? null };
  try {
    return { done: await clearUnderLock(dir, name, target, who, request) };
  } finally {
    await held.release();
  }
}

export async function clearHalt(dir: string, name: string, latch: Latch, who: Who, waitMs: number, signal: AbortSignal): Promise<Cleared> {
  const target = haltId(latch);
  let requested = false;
  let request: string | null = null;
  let deadline = Date.now() + waitMs;
  let graced = false;
  try {
    for (;;) {
      const tried = await tryUnderLock(dir, name, target, who, request);
      if ('done' in tried) {
        requested = false; // withdrawn under the lock
        return tried.done;
      }
      const { pid } = tried;
      if (!requested) {
        request = writeRequest(dir, target, who, waitMs + ANSWER_GRACE_MS).id;
        requested = true;
        process.stderr.write(`safehalt: wrapper pid ${pid ?? '?'} holds the job's lock: asked it to clear the halt; waiting up to ${formatDuration(waitMs)} for its answer or the lock\n`);
      } else if (!existsSync(filePath(dir, 'resume')) && !existsSync(filePath(dir, 'resumeClaimed'))) {
        requested = false;
        return answered(dir, loadMemory(dir, name).latch, target, pid, request);
      }
      if (signal.aborted || Date.now() > deadline) {
        if (withdrawRequest(dir)) {
          requested = false;
          return notCleared(target, pid, signal.aborted ? 'interrupted' : `no answer within ${formatDuration(waitMs)}`);
        }
        // Claimed this instant: the wrapper is answering; give it a moment (once).
        if (graced) return notCleared(target, pid, 'the wrapper took the request but has not answered');
        graced = true;
        deadline = Date.now() + ANSWER_GRACE_MS;
      }
      await sleep(POLL_MS, signal); // an interrupt cuts it short
    }
  } finally {
    if (requested) withdrawRequest(dir);
  }
}

function notCleared(target: HaltId, pid: number | null, why: string): Cleared {
  return {
    ok: false,
    code: EXIT.BUSY,
    message: `could not clear the ${target.reason} halt: wrapper pid ${pid ?? '?'} still holds the job's lock (${why}; an --on-halt hook still running?). Nothing was changed: the halt stays latched. Try again when it has exited, or give --wait longer.`,
  };
}
