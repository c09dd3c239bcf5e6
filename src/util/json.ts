// Small helpers for plain JSON values read from files.
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
