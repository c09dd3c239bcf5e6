// metrics-target.json: where `run --metrics-file` writes, remembered in the state directory so that
// the commands that change the job's state (resume, pause, stop, item) refresh the same file.
import { writeJsonSync } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import { readTrustedJson, removeIfPresent } from '../state/read-trusted.ts';
import { isRecord } from '../util/json.ts';

export interface MetricsTarget {
  schema: 1;
  path: string;
  /** The job's name as `run` labels it. */
  name: string;
  heartbeatIntervalMs: number;
  stallTimeoutMs: number;
}

/** Written at each start of `run`; removed when it runs without --metrics-file (nothing stale is refreshed). */
export function rememberMetricsTarget(stateDir: string, target: Omit<MetricsTarget, 'schema'> | null): void {
  const file = filePath(stateDir, 'metricsTarget');
  if (target === null) removeIfPresent(file);
  else writeJsonSync(file, { schema: 1, ...target } satisfies MetricsTarget, { durable: false });
}

/** The remembered target, or null (none, or a file that does not look like one: then nothing is refreshed). */
export function readMetricsTarget(stateDir: string): MetricsTarget | null {
  const v = readTrustedJson(filePath(stateDir, 'metricsTarget'));
  if (!isRecord(v) || typeof v.path !== 'string' || !v.path.startsWith('/') || typeof v.name !== 'string') return null;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
  return { schema: 1, path: v.path, name: v.name, heartbeatIntervalMs: n(v.heartbeatIntervalMs), stallTimeoutMs: n(v.stallTimeoutMs) };
}
