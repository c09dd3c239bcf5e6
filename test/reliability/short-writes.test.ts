// A nearly full disk makes write(2) write part of the data and return a short count (no error).
// A writer that takes that for success renames a torn temp file over state.json, or leaves half a
// line in the middle of events.jsonl. Both writers must write everything or fail (exit 78).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeAtomicSync } from '../../src/state/atomic-write.ts';
import { appendEvent } from '../../src/state/events.ts';
import { UserError } from '../../src/exit-codes.ts';
import { readEventLines } from './state-check.ts';

const isRoot = process.getuid?.() === 0;
let mnt = '';

beforeAll(() => {
  if (!isRoot) return;
  mnt = mkdtempSync('/tmp/safehalt-short-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mnt]);
});

afterAll(() => {
  if (!mnt) return;
  execFileSync('umount', ['-l', mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

/** Fill the file system, then free `leave` bytes. */
function fillLeaving(leave: number): void {
  const filler = path.join(mnt, 'filler');
  rmSync(filler, { force: true });
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    /* ENOSPC */
  }
  execFileSync('truncate', ['-s', `-${leave}`, filler]);
}

describe.skipIf(!isRoot)('short writes on a nearly full disk', () => {
  it.each([4096, 8192])('writeAtomicSync with %i bytes free: fails with exit 78, the old file intact, no temp file left', (leave) => {
    const file = path.join(mnt, `state-${leave}.json`);
    writeFileSync(file, '{"good":true}');
    fillLeaving(leave);
    let err: unknown;
    try {
      writeAtomicSync(file, JSON.stringify({ big: 'x'.repeat(20_000) }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(78);
    expect((err as Error).message).toContain('disk is full');
    expect(readFileSync(file, 'utf8')).toBe('{"good":true}');
    expect(readdirSync(mnt).filter((f) => f.startsWith(`state-${leave}.json.`))).toEqual([]);
  });

  it('appendEvent with less room than a line: fails, and leaves no half line behind', () => {
    const dir = mkdtempSync(path.join(mnt, 'job-'));
    appendEvent(dir, 'started', { iteration: 1 });
    fillLeaving(4096);
    const before = readFileSync(path.join(dir, 'events.jsonl'), 'utf8');
    const room = 4096 - (before.length % 4096);
    let threw = false;
    try {
      appendEvent(dir, 'exited', { stderrTail: 'e'.repeat(room + 5000) });
    } catch {
      threw = true;
    }
    expect(threw).toBe(true);
    expect(readFileSync(path.join(dir, 'events.jsonl'), 'utf8')).toBe(before);
    rmSync(path.join(mnt, 'filler'));
    appendEvent(dir, 'stopped');
    expect(readEventLines(dir).map((e) => e.event)).toEqual(['started', 'stopped']);
  });
});
