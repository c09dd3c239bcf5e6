// One item's failure memory (the content of its record file) and the check that it can be trusted.
import { configError } from '../exit-codes.ts';
import { untrusted } from '../state/read-trusted.ts';
import { count, nullable, oneOf, str, type Check } from '../state/validate.ts';
import { isRecord } from '../util/json.ts';
import { MAX_CLASS_CHARS, MAX_HASH_DIGITS, MAX_ID_BYTES, MAX_MESSAGE_CHARS } from './id.ts';

export const ITEM_SCHEMA = 1;

export interface ItemRecord {
  schema: typeof ITEM_SCHEMA;
  id: string;
  /** Consecutive failures since the last success, reset or content change. */
  failures: number;
  /** Every failure recorded since the record was created. */
  totalFailures: number;
  /** Content hash the failures belong to; null until a check or fail gives one. */
  contentHash: string | null;
  firstFailureAt: string | null;
  lastFailureAt: string | null;
  lastClass: string | null;
  lastMessage: string | null;
  updatedAt: string;
}

const time = nullable(str(40));
// Checked field by field in a plain loop: `filter` checks 100,000 records per batch.
const FIELDS: ReadonlyArray<readonly [string, Check]> = Object.entries({
  schema: oneOf(ITEM_SCHEMA),
  id: str(MAX_ID_BYTES),
  failures: count,
  totalFailures: count,
  contentHash: nullable(str(MAX_HASH_DIGITS)),
  firstFailureAt: time,
  lastFailureAt: time,
  lastClass: nullable(str(MAX_CLASS_CHARS)),
  lastMessage: nullable(str(MAX_MESSAGE_CHARS)),
  updatedAt: str(40),
} satisfies Record<keyof ItemRecord, Check>);

function recordShape(v: Record<string, unknown>): string | null {
  for (const [k, check] of FIELDS) {
    const why = check(v[k]);
    if (why) return `${k}: ${why}`;
  }
  return null;
}

/** A parsed record file, or exit 78 naming the file. `id` is the ID the file must hold. */
export function parseRecord(raw: unknown, file: string, id?: string): ItemRecord {
  if (!isRecord(raw)) throw untrusted(file, 'not a JSON object');
  if (typeof raw.schema === 'number' && raw.schema > ITEM_SCHEMA)
    throw configError(`${file} has schema version ${raw.schema}, newer than this safehalt understands (${ITEM_SCHEMA}); upgrade safehalt, or move the file aside.`);
  const why = recordShape(raw);
  if (why) throw untrusted(file, why);
  if (id !== undefined && raw.id !== id) throw untrusted(file, `it holds item ${JSON.stringify(raw.id)}, not ${JSON.stringify(id)}`);
  return raw as unknown as ItemRecord;
}
