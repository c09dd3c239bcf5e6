// Shape checks for JSON read from state files: each returns a reason string, or null when fine.
import { isRecord } from '../util/json.ts';

export type Check = (v: unknown) => string | null;

export const count: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? null : `expected a whole number ≥ 0, got ${short(v)}`;
export const num: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? null : `expected a number, got ${short(v)}`;
export const str = (max = 1 << 20): Check => (v) =>
  typeof v === 'string' && v.length <= max ? null : `expected a string of at most ${max} characters, got ${short(v)}`;
export const bool: Check = (v) => (typeof v === 'boolean' ? null : `expected true or false, got ${short(v)}`);
export const nullable = (c: Check): Check => (v) => (v === null ? null : c(v));
export const optional = (c: Check): Check => (v) => (v === undefined ? null : c(v));
export const arrayOf = (c: Check, max: number): Check => (v) => {
  if (!Array.isArray(v)) return `expected a list, got ${short(v)}`;
  if (v.length > max) return `a list of ${v.length} entries, more than ${max}`;
  for (let i = 0; i < v.length; i++) {
    const r = c(v[i]);
    if (r) return `[${i}]: ${r}`;
  }
  return null;
};
export const recordOf = (c: Check, max: number): Check => (v) => {
  if (!isRecord(v)) return `expected an object, got ${short(v)}`;
  const keys = Object.keys(v);
  if (keys.length > max) return `an object of ${keys.length} keys, more than ${max}`;
  for (const k of keys) {
    const r = c(v[k]);
    if (r) return `${k}: ${r}`;
  }
  return null;
};
export const shape = (fields: Record<string, Check>): Check => (v) => {
  if (!isRecord(v)) return `expected an object, got ${short(v)}`;
  for (const [k, c] of Object.entries(fields)) {
    const r = c(v[k]);
    if (r) return `${k}: ${r}`;
  }
  return null;
};
export const oneOf = (...values: readonly (string | number)[]): Check => (v) =>
  values.includes(v as string) ? null : `expected one of ${values.join(', ')}, got ${short(v)}`;

function short(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    // Nested too deep to serialise (JSON.stringify recurses): the type says enough.
    s = Array.isArray(v) ? '[...]' : typeof v === 'object' && v !== null ? '{...}' : String(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
