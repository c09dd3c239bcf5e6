// Crash safety: a process SIGKILLed at any instant leaves each record as it was before or after the
// call, never torn. A killed holder's lock is aged here as time would age it (proper-lockfile takes
// over a lock untouched for 5 s), so the loop need not wait.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { cli, start, waitFor } from '../helpers/cli.ts';
import { itemKey } from '../../src/items/id.ts';
import { freshJob, sd } from './util.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'fail-loop.ts');
const fileOf = (dir: string, id: string) => path.join(dir, 'items', itemKey(id).slice(0, 2), `${itemKey(id)}.json`);

/** The record's failure count; throws if the file does not parse. 0 when there is none yet. */
function failures(dir: string, id: string): number {
  const f = fileOf(dir, id);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { failures: number }).failures : 0;
}

function ageLocks(dir: string, id: string): void {
  const lock = `${fileOf(dir, id)}.lock`;
  const old = new Date(Date.now() - 60_000);
  if (existsSync(lock)) utimesSync(lock, old, old);
}

describe('crash safety', () => {
  it('SIGKILL in the middle of a stream of writes: every record parses, no count is lost or torn', async () => {
    const { dir } = freshJob();
    let previous = 0;
    for (let round = 0; round < 25; round++) {
      const proc = spawn(process.execPath, [FIXTURE, dir, 'X'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let printed = previous;
      proc.stdout.on('data', (d: Buffer) => {
        const last = d.toString().trim().split('\n').pop();
        if (last) printed = Number(last);
      });
      await waitFor(() => printed >= previous + 1 + (round % 4), 20_000, 'some writes');
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      proc.kill('SIGKILL');
      await new Promise((r) => proc.on('close', r));
      const now = failures(dir, 'X');
      // Everything acknowledged is there; at most the one write in flight beyond it.
      expect(now).toBeGreaterThanOrEqual(printed);
      expect(now).toBeLessThanOrEqual(printed + 1);
      expect(now).toBeGreaterThanOrEqual(previous);
      previous = now;
      ageLocks(dir, 'X');
    }
    const leftovers = readdirSync(path.dirname(fileOf(dir, 'X'))).filter((n) => /\.json\.\d+$/.test(n));
    const list = await cli(['item', 'list', '--json', ...sd(dir)]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: 'X', failures: previous })]);
    // Temp files of interrupted writes are ignored, and cleaned by prune once old.
    for (const n of leftovers) utimesSync(path.join(path.dirname(fileOf(dir, 'X')), n), new Date(0), new Date(0));
    expect((await cli(['item', 'prune', ...sd(dir)], { input: 'X\n' })).code).toBe(0);
    expect(readdirSync(path.dirname(fileOf(dir, 'X'))).filter((n) => /\.json\.\d+$/.test(n))).toEqual([]);
  }, 180_000);

  it('SIGKILL of `item fail` processes at random instants: before or after, never torn', async () => {
    const { dir } = freshJob();
    const t0 = Date.now();
    await cli(['item', 'fail', 'Y', ...sd(dir)]);
    const full = Date.now() - t0;
    let previous = failures(dir, 'Y');
    for (let round = 0; round < 12; round++) {
      const run = start(['item', 'fail', 'Y', ...sd(dir)]);
      await new Promise((r) => setTimeout(r, full * (0.5 + Math.random() * 0.6)));
      run.proc.kill('SIGKILL');
      const r = await run.done;
      const now = failures(dir, 'Y');
      expect(now === previous || now === previous + 1).toBe(true);
      if (r.code === 0) expect(now).toBe(previous + 1);
      previous = now;
      ageLocks(dir, 'Y');
    }
    expect((await cli(['item', 'fail', 'Y', ...sd(dir)])).code).toBe(0);
    expect(failures(dir, 'Y')).toBe(previous + 1);
  }, 180_000);
});
