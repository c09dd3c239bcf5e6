// The store in process, on real files: records, reads and writes, corrupt and foreign files.
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { filterItems } from '../../src/items/filter.ts';
import { parseLines } from '../../src/items/input.ts';
import path from 'node:path';
import { failItem, okItem, resetItem } from '../../src/items/mutate.ts';
import { itemKey } from '../../src/items/id.ts';
import { recordFile } from '../../src/items/layout.ts';
import { listItems } from '../../src/items/list.ts';
import { readEvents } from '../helpers/cli.ts';
import { check, expect78, f, failN, freshJob } from './util.ts';

describe('records', () => {
  it('a failure is stored under the SHA-256 of the ID, mode 0600, holding the real ID', async () => {
    const { dir } = freshJob();
    await failItem(dir, '../../etc/passwd', f(), 3);
    const file = recordFile(dir, itemKey('../../etc/passwd'));
    expect(file).toBe(path.join(dir, 'items', itemKey('../../etc/passwd').slice(0, 2), `${itemKey('../../etc/passwd')}.json`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ schema: 1, id: '../../etc/passwd', failures: 1, lastClass: 'exit:1' });
  });

  it('check: go below the limit, skip at it; ok forgets', async () => {
    const { dir } = freshJob();
    await failN(dir, 'a', 2);
    expect((await check(dir, 'a')).go).toBe(true);
    await failN(dir, 'a', 1);
    expect((await check(dir, 'a')).go).toBe(false);
    expect((await check(dir, 'a', null, 0)).go).toBe(true);
    expect(await okItem(dir, 'a')).toMatchObject({ failures: 3 });
    expect(existsSync(recordFile(dir, itemKey('a')))).toBe(false);
    expect((await check(dir, 'a')).go).toBe(true);
  });

  it('a changed content hash resets the count; the old record is kept with the new hash', async () => {
    const { dir } = freshJob();
    await failN(dir, 'a', 3, 'aa');
    expect((await check(dir, 'a', 'aa')).go).toBe(false);
    const r = await check(dir, 'a', 'bb');
    expect(r).toMatchObject({ go: true, cleared: 3, record: { failures: 0, contentHash: 'bb' } });
    expect(readEvents(dir).map((e) => e.event)).toContain('item-changed');
  });

  it('ok of an item with no memory writes nothing', async () => {
    const { dir } = freshJob();
    expect(await okItem(dir, 'never-failed')).toBeUndefined();
    expect(existsSync(path.join(dir, 'items'))).toBe(false);
  });

  it('a corrupt record is exit 78 naming the file, and is left as it is', async () => {
    const { dir } = freshJob();
    await failN(dir, 'a', 1);
    const file = recordFile(dir, itemKey('a'));
    writeFileSync(file, '{"schema":1,"id":"a","fail');
    await expect78(check(dir, 'a'), file);
    await expect78(failItem(dir, 'a', f(), 3), file);
    await expect78(okItem(dir, 'a'), file);
    await expect78(() => listItems(dir, 3, false), file);
    expect(readFileSync(file, 'utf8')).toBe('{"schema":1,"id":"a","fail');
  });

  it.each([
    ['a wrong field', (r: Record<string, unknown>) => ({ ...r, failures: -1 }), /failures/],
    ['another ID', (r: Record<string, unknown>) => ({ ...r, id: 'b' }), /holds item "b"/],
    ['a newer schema', (r: Record<string, unknown>) => ({ ...r, schema: 2 }), /schema version 2/],
  ])('a record with %s cannot be trusted', async (_, change, why) => {
    const { dir } = freshJob();
    await failN(dir, 'a', 1);
    const file = recordFile(dir, itemKey('a'));
    writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(file, 'utf8')))));
    await expect78(check(dir, 'a'), file);
    await expect(check(dir, 'a')).rejects.toThrow(why);
  });

  it('a record that is a symbolic link is refused, not followed', async () => {
    const { dir, root } = freshJob();
    await failN(dir, 'a', 1);
    const file = recordFile(dir, itemKey('a'));
    const elsewhere = path.join(root, 'elsewhere.json');
    writeFileSync(elsewhere, readFileSync(file));
    rmSync(file);
    symlinkSync(elsewhere, file);
    await expect78(check(dir, 'a'), file);
    await expect78(failItem(dir, 'a', f(), 3), file);
  });

  it('a directory or a FIFO in place of a record is refused, by check and by filter', async () => {
    const { dir } = freshJob();
    await failN(dir, 'a', 1);
    await failN(dir, 'b', 1);
    const fileA = recordFile(dir, itemKey('a'));
    rmSync(fileA);
    mkdirSync(fileA);
    await expect78(check(dir, 'a'), fileA);
    await expect78(filterItems(dir, parseLines('a\n', 'stdin'), 3, new Map()), fileA);
    const fileB = recordFile(dir, itemKey('b'));
    rmSync(fileB);
    spawnSync('mkfifo', [fileB]);
    await expect78(filterItems(dir, parseLines('b\n', 'stdin'), 3, new Map()), fileB);
  });

  it('filter reads records in a directory others could write in with the full checks too', async () => {
    const { dir } = freshJob();
    await failN(dir, 'a', 3);
    chmodSync(path.dirname(recordFile(dir, itemKey('a'))), 0o770);
    const r = await filterItems(dir, parseLines('a\nb\n', 'stdin'), 3, new Map());
    expect(r.allowed).toEqual(['b']);
    expect(r.skipped.map((x) => x.id)).toEqual(['a']);
  });

  it('reset removes even a corrupt record (a person asked to forget it)', async () => {
    const { dir } = freshJob();
    await failN(dir, 'a', 1);
    writeFileSync(recordFile(dir, itemKey('a')), 'garbage');
    expect(await resetItem(dir, 'a')).toBe(true);
    expect((await check(dir, 'a')).go).toBe(true);
    expect(await resetItem(dir, 'a')).toBe(false);
  });
});
