// Concurrent callers lose no update: `xargs -P 20 safehalt item fail X` makes exactly 20 failures.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/cli.ts';
import { itemKey } from '../../src/items/id.ts';
import { freshJob, sd } from './util.ts';

const recordOf = (dir: string, id: string) =>
  JSON.parse(readFileSync(path.join(dir, 'items', itemKey(id).slice(0, 2), `${itemKey(id)}.json`), 'utf8'));

describe('concurrent callers', () => {
  it('20 parallel `item fail X` record exactly 20 failures', async () => {
    const { dir } = freshJob();
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => cli(['item', 'fail', 'X', '--class', `c${i}`, ...sd(dir)])));
    expect(runs.map((r) => (r.code === 0 ? 0 : `${r.code}: ${r.stderr}`))).toEqual(Array(20).fill(0));
    expect(recordOf(dir, 'X')).toMatchObject({ failures: 20, totalFailures: 20 });
    const broken = JSON.parse((await cli(['item', 'list', '--broken', '--json', ...sd(dir)])).stdout);
    expect(broken).toEqual([expect.objectContaining({ id: 'X', failures: 20, open: true })]);
  }, 120_000);

  it('parallel fails, checks, oks and a filter on several items: every fail counted, nothing torn', async () => {
    const { dir } = freshJob(false);
    const ids = ['a', 'b', 'c', 'd'];
    const jobs = [
      ...ids.flatMap((id) => Array.from({ length: 4 }, () => cli(['item', 'fail', id, ...sd(dir)]))),
      ...ids.map((id) => cli(['item', 'check', id, ...sd(dir)])),
      cli(['item', 'filter', ...sd(dir)], { input: ids.join('\n') }),
      cli(['item', 'ok', 'unrelated', ...sd(dir)]),
    ];
    const runs = await Promise.all(jobs);
    for (const r of runs) expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: expect.toBeOneOf([0, 86]) });
    for (const id of ids) expect(recordOf(dir, id).failures).toBe(4);
  }, 120_000);

  it('the lock of a process that died holding it is taken over once stale', async () => {
    const { dir } = freshJob();
    await cli(['item', 'fail', 'X', ...sd(dir)]);
    const lock = path.join(dir, 'items', itemKey('X').slice(0, 2), `${itemKey('X')}.json.lock`);
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const r = await cli(['item', 'fail', 'X', ...sd(dir)]);
    expect(r.code).toBe(0);
    expect(recordOf(dir, 'X').failures).toBe(2);
  });
});
