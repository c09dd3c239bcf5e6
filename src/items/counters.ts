// items/skipped.json: how many checks answered "skip" over the job's life (the metric
// items_skipped_total). One small file updated under its lock, once per check and once per filter
// batch; it only grows (reset and prune leave it alone), as a Prometheus counter should.
import { writeJson } from '../state/atomic-write.ts';
import { readTrustedJson, untrusted } from '../state/read-trusted.ts';
import { count, oneOf, shape } from '../state/validate.ts';
import { isRecord } from '../util/json.ts';
import { itemsDir, skippedFile, vetDir } from './layout.ts';
import { withLock } from './lock.ts';

const COUNTER_SCHEMA = 1;
const counterShape = shape({ schema: oneOf(COUNTER_SCHEMA), skipped: count });

/** Skips counted so far (0 when none). Exit 78 if the file is corrupt. */
export function readSkipped(stateDir: string): number {
  const file = skippedFile(stateDir);
  const raw = readTrustedJson(file);
  if (raw === undefined) return 0;
  const why = isRecord(raw) ? counterShape(raw) : 'not a JSON object';
  if (why) throw untrusted(file, why);
  return (raw as { skipped: number }).skipped;
}

export async function addSkipped(stateDir: string, n: number): Promise<void> {
  if (n <= 0) return;
  vetDir(itemsDir(stateDir), true);
  const file = skippedFile(stateDir);
  await withLock(file, async () => {
    const skipped = readSkipped(stateDir) + n;
    // Not fsynced: losing the last few counts in a power cut is harmless; losing a failure is not.
    await writeJson(file, { schema: COUNTER_SCHEMA, skipped }, { durable: false });
  });
}
