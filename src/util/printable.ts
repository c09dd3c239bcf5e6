// Text from a user or from a state file, made safe to print on a terminal, and user input that
// must be one line. Files can be planted and flags can carry escape sequences: an ESC, a C1
// control or a bidirectional override reaching a terminal can retitle it, clear it or hide text.
import { usageError } from '../exit-codes.ts';

// C0 (tab and newline included: a printed field is one line), DEL, C1, line/paragraph
// separators and the bidirectional embedding, override and isolate controls.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_ONE = new RegExp(UNSAFE.source);

const escapeOne = (ch: string): string => {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control character written as \xNN or \uNNNN: one printable line. */
export const printable = (text: string): string => text.replace(UNSAFE, escapeOne);

/** Each line of a multi-line text made printable (the line breaks themselves kept). */
export const printableLines = (text: string): string => text.split('\n').map(printable).join('\n');

/** JSON text with DEL, C1 and the bidirectional controls escaped too (JSON escapes only C0): still valid JSON. */
export const jsonSafe = (json: string): string =>
  json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export const MAX_REASON_CHARS = 1000;

/** A text a user types (--reason, --step, ...): one line of at most `max` characters, or exit 64. */
export function oneLine(flag: string, v: unknown, max = MAX_REASON_CHARS): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  const bad = UNSAFE_ONE.exec(s);
  if (bad) throw usageError(`--${flag}: expected one line of text without control characters, got ${escapeOne(bad[0])} in "${printable(s.slice(0, 60))}"`);
  if (s.length > max) throw usageError(`--${flag}: expected at most ${max} characters, got ${s.length}`);
  return s;
}
