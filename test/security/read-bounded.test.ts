// The one reader under every file safehalt opens: regular files only, never blocking, never past its
// bound; /proc files (size 0 in fstat) read in full.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ReadRefused, readBounded, readBoundedText } from '../../src/state/read-bounded.ts';
import { tempDir } from '../helpers/cli.ts';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ReadRefused);
    return (e as ReadRefused).refusal;
  }
  throw new Error('not refused');
};

describe('readBounded', () => {
  it('reads a /proc file whose fstat size is 0, in full', () => {
    const stat = readBoundedText('/proc/self/stat', { maxBytes: 4096 })!;
    expect(stat).toMatch(/^\d+ \(.*\) [A-Z] /);
    expect(readBoundedText('/proc/self/status', { maxBytes: 1 << 16 })).toMatch(/\nPid:\s+\d+\n/);
  });

  it('refuses a FIFO at once (no writer, no block), a device, a directory', () => {
    const fifo = path.join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(refusal(() => readBounded(fifo, { maxBytes: 10 }))).toBe('not-regular');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(refusal(() => readBounded('/dev/zero', { maxBytes: 10, follow: true }))).toBe('not-regular');
    expect(refusal(() => readBounded(tempDir(), { maxBytes: 10 }))).toBe('not-regular');
  });

  it('refuses a link unless told to follow, and a file over the bound; undefined when absent', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'f'), 'x'.repeat(100));
    symlinkSync(path.join(dir, 'f'), path.join(dir, 'l'));
    expect(refusal(() => readBounded(path.join(dir, 'l'), { maxBytes: 1000 }))).toBe('link');
    expect(readBounded(path.join(dir, 'l'), { maxBytes: 1000, follow: true })!.length).toBe(100);
    expect(refusal(() => readBounded(path.join(dir, 'f'), { maxBytes: 99 }))).toBe('too-big');
    expect(readBounded(path.join(dir, 'f'), { maxBytes: 100 })!.length).toBe(100);
    expect(readBounded(path.join(dir, 'none'), { maxBytes: 100 })).toBeUndefined();
  });

  it('tail: the last maxBytes of a larger file', () => {
    const f = path.join(tempDir(), 'log');
    writeFileSync(f, 'a'.repeat(50_000) + 'b'.repeat(100));
    expect(readBoundedText(f, { maxBytes: 100, tail: true })).toBe('b'.repeat(100));
  });
});
