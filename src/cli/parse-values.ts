// Turning flag values into typed values, with "expected X, got Y" messages (usage errors, exit 64).
import { usageError } from '../exit-codes.ts';
import { parseDuration } from '../util/duration.ts';
import { shown } from '../util/shown.ts';
import type { UserClass } from '../policy/config.ts';
import { FAILURE_RING } from '../policy/memory.ts';
import type { SpikeFlag } from '../policy/spikes.ts';

const got = (v: unknown) => shown(v);
const one = (flag: string, v: unknown): unknown => {
  if (Array.isArray(v)) {
    if (v.length > 1) throw usageError(`--${flag} was given ${v.length} times; give it once`);
    return v[0];
  }
  return v;
};

export function duration(flag: string, v: unknown): number {
  try {
    return parseDuration(flag, one(flag, v));
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

export function count(flag: string, v: unknown, max = 1e9): number {
  const s = String(one(flag, v)).trim();
  if (!/^\d+$/.test(s) || Number(s) > max) throw usageError(`--${flag}: expected a whole number from 0 to ${max}, got ${got(v)}`);
  return Number(s);
}

/** N of a window rule: the failure memory keeps the last FAILURE_RING failures, so no larger N could ever be counted. */
export function windowCount(flag: string, v: unknown): number {
  const n = count(flag, v);
  if (n > FAILURE_RING)
    throw usageError(`--${flag}: expected a whole number from 0 to ${FAILURE_RING} (safehalt remembers the last ${FAILURE_RING} failures, so a window rule cannot count more; shorten the window instead), got ${got(v)}`);
  return n;
}

export function decimal(flag: string, v: unknown, min: number, max: number): number {
  const s = String(one(flag, v)).trim();
  const n = Number(s);
  if (s === '' || !Number.isFinite(n) || n < min || n > max) throw usageError(`--${flag}: expected a number from ${min} to ${max}, got ${got(v)}`);
  return n;
}

export function choice<T extends string>(flag: string, v: unknown, values: readonly T[]): T {
  const s = String(one(flag, v));
  if (!values.includes(s as T)) throw usageError(`--${flag}: expected one of ${values.join(', ')}, got ${got(v)}`);
  return s as T;
}

export const list = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String));

const CLASS_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export function spike(text: string): SpikeFlag {
  if (text === 'none' || text === '0') return 'none';
  const m = /^(.+):(\d+)\/(.+)$/.exec(text);
  if (!m || !CLASS_NAME.test(m[1]))
    throw usageError(`--spike: expected CLASS:N/DURATION such as transport:3/2m, got ${got(text)}`);
  return { cls: m[1], count: windowCount('spike', m[2]), withinMs: duration('spike', m[3]) };
}

export function userClass(text: string): UserClass {
  const m = /^([^=]+)=\/(.*)\/([a-z]*)$/s.exec(text);
  if (!m || !CLASS_NAME.test(m[1]))
    throw usageError(`--classify: expected NAME=/REGEX/ such as quota=/rate limit/i, got ${got(text)}`);
  if (!/^[imsu]*$/.test(m[3])) throw usageError(`--classify: flags may be i, m, s and u, got ${got(m[3])}`);
  try {
    return { name: m[1], pattern: new RegExp(m[2], m[3]) };
  } catch (e) {
    throw usageError(`--classify: ${got(m[2])} is not a valid regular expression (${(e as Error).message})`);
  }
}

export function exitClass(text: string): [number, string] {
  const m = /^(\d{1,3})=(.+)$/.exec(text);
  if (!m || Number(m[1]) > 255 || !CLASS_NAME.test(m[2]))
    throw usageError(`--classify-exit: expected CODE=NAME with CODE 0-255, such as 75=tempfail, got ${got(text)}`);
  return [Number(m[1]), m[2]];
}

/** Split a command line into words without a shell: spaces separate, quotes group, backslash escapes. */
export function words(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += c;
  }
  if (quote) throw usageError(`unbalanced ${quote} in ${got(text)}`);
  if (has || cur) out.push(cur);
  return out;
}
