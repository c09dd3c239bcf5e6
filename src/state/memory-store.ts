// state.json: the durable failure memory. Loaded only when every field checks out; saved durably.
import { configError } from '../exit-codes.ts';
import { LATCH_MESSAGE_MAX, LATCH_RULE_MAX, STATE_SCHEMA, freshMemory, type Memory } from '../policy/memory.ts';
import { RECENT_MAX } from '../policy/ring.ts';
import { isRecord } from '../util/json.ts';
import { writeJson, writeJsonSync } from './atomic-write.ts';
import { filePath } from './files.ts';
import { readTrustedJson, untrusted } from './read-trusted.ts';
import { arrayOf, count, nullable, num, oneOf, optional, recordOf, shape, str } from './validate.ts';

const stamp = shape({ mono: num, boot: str(64), wall: num });
const failure = shape({
  at: stamp,
  cls: str(200),
  code: nullable(num),
  signal: nullable(str(32)),
  durationMs: num,
  stderrTail: str(64 * 1024),
  iteration: count,
  matched: optional(str(200)),
});
const latchShape = shape({
  reason: oneOf('FAILURE_SPIKE', 'RETRY_LIMIT_REACHED', 'BUDGET_EXCEEDED', 'NO_PROGRESS', 'LOOP_DETECTED'),
  rule: str(LATCH_RULE_MAX),
  message: str(LATCH_MESSAGE_MAX),
  exitCode: count,
  at: stamp,
  probe: optional(shape({ dueAt: stamp, cooldownMs: count })),
  refusals: optional(count),
});

export const memoryShape = shape({
  schema: oneOf(STATE_SCHEMA),
  name: str(128),
  runs: count,
  iterations: count,
  successes: count,
  failures: count,
  restarts: count,
  consecutiveFailures: count,
  classCounts: recordOf(count, 10_000),
  recent: arrayOf(failure, RECENT_MAX),
  windowFrom: nullable(stamp),
  latch: nullable(latchShape),
  costTotal: num,
  budgetBase: shape({ restarts: count, cost: num }),
  progress: shape({ tokens: arrayOf(str(1024), 256), unchanged: count }),
  lastExit: nullable(shape({ at: stamp, code: nullable(num), signal: nullable(str(32)), cls: nullable(str(200)) })),
  lastSuccessAt: nullable(stamp),
  lastIteration: optional(count),
});

/** Earlier schema versions and how to bring them forward (none yet: schema 1 is the first). */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

export function parseMemory(raw: unknown, file: string): Memory {
  if (!isRecord(raw)) throw untrusted(file, 'not a JSON object');
  let v = raw;
  const schema = v.schema;
  if (typeof schema !== 'number' || !Number.isInteger(schema)) throw untrusted(file, 'no schema version');
  if (schema > STATE_SCHEMA)
    throw configError(`${file} has schema version ${schema}, newer than this safehalt understands (${STATE_SCHEMA}); upgrade safehalt, or move the file aside.`);
  for (let s = schema; s < STATE_SCHEMA; s++) {
    const up = MIGRATIONS[s];
    if (!up) throw untrusted(file, `unknown schema version ${schema}`);
    v = up(v);
  }
  const why = memoryShape(v);
  if (why) throw untrusted(file, why);
  return v as unknown as Memory;
}

export function loadMemory(stateDir: string, name: string): Memory {
  const file = filePath(stateDir, 'state');
  const raw = readTrustedJson(file);
  return raw === undefined ? freshMemory(name) : parseMemory(raw, file);
}

/** Saved atomically always; fsynced (file and directory) when `durable`: by default, and by the
 * supervisor when the latch changes (see Job.save). */
export const saveMemory = (stateDir: string, m: Memory, { durable = true } = {}) => writeJson(filePath(stateDir, 'state'), m, { durable });

/** The same, synchronously (the machine's runner carries effects out one at a time). */
export const saveMemorySync = (stateDir: string, m: Memory, { durable = true } = {}) => writeJsonSync(filePath(stateDir, 'state'), m, { durable });
