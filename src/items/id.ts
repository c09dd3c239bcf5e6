// Item IDs, content hashes and failure details as the user gives them: checked at the edge (exit 64,
// nothing written). After that an ID is only ever used hashed, so no ID can ever name a path.
import { usageError } from '../exit-codes.ts';
import { sha256Hex } from '../util/sha256.ts';

export const MAX_ID_BYTES = 1024;
export const MAX_HASH_DIGITS = 128;
export const MAX_CLASS_CHARS = 200;
export const MAX_MESSAGE_CHARS = 2000;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const show = (s: string) => (s.length > 60 ? `${JSON.stringify(s.slice(0, 57))}...` : JSON.stringify(s));

/** Why `id` is not a valid item ID, or null when it is one. */
export function idProblem(id: string): string | null {
  if (id === '') return 'an item ID cannot be empty';
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > MAX_ID_BYTES) return `an item ID is at most ${MAX_ID_BYTES} bytes, got ${bytes} bytes`;
  const m = CONTROL.exec(id);
  if (m) return `an item ID cannot contain control characters, got U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0').toUpperCase()} in ${show(id)}`;
  return null;
}

/** Normalized (lower-case) hex digits of a content hash, or a reason it is not one. Accepts bare hex
 * and sha256sum's output ("HEX  -", "HEX *FILE"), as in `describe "$id" | sha256sum`. */
export function parseContentHash(text: string): { hash: string } | { problem: string } {
  const m = /^([0-9A-Fa-f]+)(?: [ *][^\u0000-\u001f]*)?$/.exec(text.trim());
  if (!m) return { problem: `a content hash must be hex digits (such as sha256sum prints), got ${show(text)}` };
  if (m[1].length > MAX_HASH_DIGITS) return { problem: `a content hash is at most ${MAX_HASH_DIGITS} hex digits, got ${m[1].length}` };
  return { hash: m[1].toLowerCase() };
}

export function validId(id: string, where = 'ID'): string {
  const why = idProblem(id);
  if (why) throw usageError(`${where}: ${why}`);
  return id;
}

export function validContentHash(text: string, where = '--content-hash'): string {
  const r = parseContentHash(text);
  if ('problem' in r) throw usageError(`${where}: ${r.problem}`);
  return r.hash;
}

export function validClass(cls: string): string {
  if (cls === '' || cls.length > MAX_CLASS_CHARS || CONTROL.test(cls))
    throw usageError(`--class: expected 1 to ${MAX_CLASS_CHARS} characters without control characters, got ${show(cls)}`);
  return cls;
}

/** Messages are free text (an stderr excerpt); only their length is bounded. */
export const clipMessage = (msg: string): string =>
  msg.length > MAX_MESSAGE_CHARS ? `${msg.slice(0, MAX_MESSAGE_CHARS - 3)}...` : msg;

/** The name an item is stored under: the SHA-256 of its ID, hex. */
// The first few in plain JavaScript (util/sha256.ts): node:crypto costs a command ~4 ms to load,
// more than a one-item command spends on anything else. A batch (filter, list, prune: up to 100,000
// keys, ~5 µs each in JavaScript against ~1 µs native) switches to node:crypto; the keys are the same.
const PLAIN_KEYS = 64;
let plainLeft = PLAIN_KEYS;
let native: ((id: string) => string) | null = null;
export function itemKey(id: string): string {
  if (native) return native(id);
  if (plainLeft-- > 0) return sha256Hex(id);
  const crypto = process.getBuiltinModule('node:crypto');
  native = (text) => crypto.hash('sha256', text, 'hex');
  return native(id);
}
