// Shared by the item tests: fresh state directories (removed after the file's tests) and a look at
// every file under a directory.
import { afterAll, expect } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.ts';
import { failItem } from '../../src/items/mutate.ts';
import { checkItem } from '../../src/items/check.ts';
import { UserError } from '../../src/exit-codes.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp root and its state directory `job` inside (created 0700 when `create`). */
export function freshJob(create = true): { root: string; dir: string } {
  const root = tempDir('safehalt-items-');
  made.push(root);
  const dir = path.join(root, 'job');
  if (create) mkdirSync(dir, { mode: 0o700 });
  return { root, dir };
}

/** Every path under `dir`, relative to it, sorted. */
export function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

export const sd = (dir: string) => ['--state-dir', dir];

/** Every file under `dir` with its content, to compare before and after a call. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of tree(dir)) {
    const p = path.join(dir, f);
    out[f] = statSync(p).isDirectory() ? '<dir>' : readFileSync(p, 'utf8');
  }
  return out;
}

/** Record `n` failures of `id` in process (faster than n CLI runs where the CLI is not the subject). */
export async function seed(dir: string, id: string, n: number, f: { cls?: string; hash?: string } = {}): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let i = 0; i < n; i++) await failItem(dir, id, { cls: f.cls ?? null, message: null, hash: f.hash ?? null }, 3);
}

/** A failure to record: class `cls`, content hash `hash`. */
export const f = (cls: string | null = 'exit:1', hash: string | null = null) => ({ cls, message: null, hash });

/** `n` failures of `id`, with the default limit 3 for the open markers. */
export async function failN(dir: string, id: string, n: number, hash: string | null = null): Promise<void> {
  for (let i = 0; i < n; i++) await failItem(dir, id, f('exit:1', hash), 3);
}

export const check = (dir: string, id: string, hash: string | null = null, limit = 3) => checkItem(dir, id, hash, limit, () => 3);

/** `p` fails with exit 78 and a message naming `file`. */
export async function expect78(p: Promise<unknown> | (() => unknown), file: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(78);
    expect((e as Error).message).toContain(file);
    return;
  }
  throw new Error('expected exit 78');
}
