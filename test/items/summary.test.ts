// What status and the metrics read (summary, open markers, the skip counter) and the job's default limit.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { failItem, okItem } from '../../src/items/mutate.ts';
import { itemKey } from '../../src/items/id.ts';
import { markerFile } from '../../src/items/layout.ts';
import { itemsSummary, readItemsDefault, writeItemsDefault } from '../../src/items/index.ts';
import { check, expect78, f, failN, freshJob } from './util.ts';

describe('summary, markers and the job default', () => {
  it('counts tracked and broken items and skips, from markers and the counter', async () => {
    const { dir } = freshJob();
    await failN(dir, 'open-1', 3);
    await failN(dir, 'open-2', 4);
    await failN(dir, 'closed', 1);
    expect(existsSync(markerFile(dir, itemKey('open-1')))).toBe(true);
    expect(existsSync(markerFile(dir, itemKey('closed')))).toBe(false);
    await check(dir, 'open-1');
    await check(dir, 'open-1');
    await check(dir, 'closed');
    const s = itemsSummary(dir);
    expect(s).toMatchObject({ tracked: 3, brokenCount: 2, skippedTotal: 2 });
    expect(s.broken.sort()).toEqual(['open-1', 'open-2']);
    await okItem(dir, 'open-1');
    expect(itemsSummary(dir)).toMatchObject({ tracked: 2, brokenCount: 1, broken: ['open-2'], skippedTotal: 2 });
  });

  it('a missing store reads as empty', () => {
    const { dir } = freshJob(false);
    expect(itemsSummary(dir)).toEqual({ tracked: 0, broken: [], brokenCount: 0, skippedTotal: 0 });
  });

  it('names at most 20 broken items but counts them all', async () => {
    const { dir } = freshJob();
    for (let i = 0; i < 25; i++) await failItem(dir, `i${i}`, f(), 1);
    expect(itemsSummary(dir)).toMatchObject({ brokenCount: 25 });
    expect(itemsSummary(dir).broken).toHaveLength(20);
  });

  it('writeItemsDefault sets the default (else 3) and re-derives the markers', async () => {
    const { dir } = freshJob();
    expect(readItemsDefault(dir)).toBe(3);
    await failN(dir, 'two', 2);
    await failN(dir, 'five', 5);
    expect(itemsSummary(dir).brokenCount).toBe(1);
    writeItemsDefault(dir, 2);
    expect(readItemsDefault(dir)).toBe(2);
    expect(itemsSummary(dir).brokenCount).toBe(2);
    writeItemsDefault(dir, 0);
    expect(itemsSummary(dir).brokenCount).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'items-config.json'), 'utf8'))).toEqual({ schema: 1, maxRetries: 0 });
    expect(() => writeItemsDefault(dir, -1)).toThrow(RangeError);
  });

  it('a corrupt items-config.json is exit 78 naming it', async () => {
    const { dir } = freshJob();
    const file = path.join(dir, 'items-config.json');
    writeFileSync(file, '{"schema":1,"maxRetries":"x"}');
    await expect78(() => readItemsDefault(dir), file);
  });

  it('an items directory that is a link is refused', async () => {
    const { dir, root } = freshJob();
    mkdirSync(path.join(root, 'other'), { mode: 0o700 });
    symlinkSync(path.join(root, 'other'), path.join(dir, 'items'));
    await expect78(failItem(dir, 'a', f(), 3), path.join(dir, 'items'));
  });
});
