// The job's default --max-retries for `item check`: items-config.json in the state directory,
// written by `run --max-retries-per-item N`, else DEFAULT_MAX_RETRIES (3).
import { writeJsonSync } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import { readTrustedJson, untrusted } from '../state/read-trusted.ts';
import { count, oneOf, shape } from '../state/validate.ts';
import { isRecord } from '../util/json.ts';
import { DEFAULT_MAX_RETRIES } from './decide.ts';
import { rebuildMarkers } from './scan.ts';

const CONFIG_SCHEMA = 1;
const configShape = shape({ schema: oneOf(CONFIG_SCHEMA), maxRetries: count });

/** The limit set for the job, or undefined when none was. Exit 78 if the file is corrupt. */
function readStored(stateDir: string): number | undefined {
  const file = filePath(stateDir, 'itemsConfig');
  const raw = readTrustedJson(file);
  if (raw === undefined) return undefined;
  const why = isRecord(raw) ? configShape(raw) : 'not a JSON object';
  if (why) throw untrusted(file, why);
  return (raw as { maxRetries: number }).maxRetries;
}

/** The job's default limit: the one set with `run --max-retries-per-item`, else DEFAULT_MAX_RETRIES. */
export const readItemsDefault = (stateDir: string): number => readStored(stateDir) ?? DEFAULT_MAX_RETRIES;

/**
 * Record the job's default limit (`run --max-retries-per-item N`; 0 = unlimited). The state directory
 * must exist. When the value changes, the open markers are rebuilt to match it.
 */
export function writeItemsDefault(stateDir: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`max retries per item: expected a whole number ≥ 0, got ${n}`);
  if (readStored(stateDir) === n) return;
  writeJsonSync(filePath(stateDir, 'itemsConfig'), { schema: CONFIG_SCHEMA, maxRetries: n }, { durable: true });
  rebuildMarkers(stateDir, n);
}
