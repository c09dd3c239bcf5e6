// After a resume, stop-reason.json must no longer claim a latched halt: it keeps why the job last
// stopped, and says that the halt was cleared, by whom, when and why.
import { isRecord } from '../util/json.ts';
import { writeJsonSync } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readTrustedJson } from './read-trusted.ts';

export interface Cleared {
  halt: string;
  by: string | null;
  reason: string | null;
  at: string;
  /** A successful --probe-after run cleared it, not a person. */
  automatic: boolean;
}

/** Rewrite a latched stop report as cleared; false when there was none to rewrite (or it is unreadable). */
export function markStopReportCleared(dir: string, cleared: Cleared): boolean {
  const file = filePath(dir, 'stopReason');
  let v: unknown;
  try {
    v = readTrustedJson(file);
  } catch {
    return false; // an untrusted file stays as it is: the next stop replaces it
  }
  if (!isRecord(v) || v.latched !== true) return false;
  const by = cleared.automatic ? 'a successful probe run' : (cleared.by ?? 'someone');
  writeJsonSync(file, { ...v, latched: false, resume: null, next: `the ${cleared.halt} halt was cleared by ${by}; the job may start again`, cleared }, { durable: true });
  return true;
}
