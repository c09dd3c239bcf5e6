// `safehalt item check / fail / ok` end to end: the real CLI in real processes on real files.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, readEvents } from '../helpers/cli.ts';
import { itemKey } from '../../src/items/id.ts';
import { freshJob, sd, snapshot, tree } from './util.ts';

const item = (dir: string, ...args: string[]) => cli(['item', ...args, ...sd(dir)]);
const record = (dir: string, id: string) =>
  JSON.parse(readFileSync(path.join(dir, 'items', itemKey(id).slice(0, 2), `${itemKey(id)}.json`), 'utf8'));

describe('item check / fail / ok', () => {
  it('exit 0 until --max-retries consecutive failures, then 86 with a hint; ok reopens it', async () => {
    const { dir } = freshJob();
    const codes: (number | null)[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push((await item(dir, 'check', 'owner/repo#42', '--max-retries', '3')).code);
      expect((await item(dir, 'fail', 'owner/repo#42', '--class', 'exit:1', '--message', 'boom')).code).toBe(0);
    }
    const skip = await item(dir, 'check', 'owner/repo#42', '--max-retries', '3');
    expect([...codes, skip.code]).toEqual([0, 0, 0, 86]);
    expect(skip.stderr).toContain('skip item "owner/repo#42": 3 consecutive failures');
    expect(skip.stderr).toContain('safehalt item reset owner/repo#42');
    expect((await item(dir, 'check', 'owner/repo#42', '--max-retries', '4')).code).toBe(0);
    expect((await item(dir, 'check', 'owner/repo#42', '--max-retries', '0')).code).toBe(0);
    expect(readEvents(dir).filter((e) => e.event === 'item-skipped')).toEqual([
      expect.objectContaining({ id: 'owner/repo#42', failures: 3, lastClass: 'exit:1', via: 'check' }),
    ]);
    expect((await item(dir, 'ok', 'owner/repo#42')).code).toBe(0);
    expect((await item(dir, 'check', 'owner/repo#42', '--max-retries', '1')).code).toBe(0);
  });

  it('the default limit is 3, or the one run --max-retries-per-item stored (items-config.json)', async () => {
    const { dir } = freshJob();
    for (let i = 0; i < 2; i++) await item(dir, 'fail', 'x');
    expect((await item(dir, 'check', 'x')).code).toBe(0);
    const opened = await item(dir, 'fail', 'x');
    expect(opened.stderr).toContain('failed 3 times in a row');
    expect((await item(dir, 'check', 'x')).code).toBe(86);
    writeFileSync(path.join(dir, 'items-config.json'), JSON.stringify({ schema: 1, maxRetries: 5 }), { mode: 0o600 });
    expect((await item(dir, 'check', 'x')).code).toBe(0);
  });

  it('a changed content hash resets the count (reset on change); sha256sum output is accepted', async () => {
    const { dir } = freshJob();
    const v1 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -';
    for (let i = 0; i < 3; i++) {
      await item(dir, 'check', 'doc', '--content-hash', v1);
      await item(dir, 'fail', 'doc');
    }
    expect((await item(dir, 'check', 'doc', '--content-hash', v1)).code).toBe(86);
    expect(record(dir, 'doc')).toMatchObject({ failures: 3, contentHash: v1.slice(0, 64) });
    expect((await item(dir, 'check', 'doc', '--content-hash', 'abcd')).code).toBe(0);
    expect(record(dir, 'doc')).toMatchObject({ failures: 0, contentHash: 'abcd', totalFailures: 3 });
  });

  it('IDs are opaque: numbers stay strings, a leading dash goes after --', async () => {
    const { dir } = freshJob();
    expect((await item(dir, 'fail', '007')).code).toBe(0);
    expect(record(dir, '007').id).toBe('007');
    expect((await cli(['item', ...sd(dir), 'fail', '--class', 'x', '--', '-42'])).code).toBe(0);
    expect(record(dir, '-42')).toMatchObject({ id: '-42', lastClass: 'x' });
  });

  it('finds the job through SAFEHALT_STATE_DIR, as the supervised child does', async () => {
    const { dir } = freshJob();
    expect((await cli(['item', 'fail', 'a'], { env: { SAFEHALT_STATE_DIR: dir, SAFEHALT_ITERATION: '4' } })).code).toBe(0);
    expect(record(dir, 'a').failures).toBe(1);
  });

  it('a state directory that does not exist is an empty memory: check goes, nothing is created', async () => {
    const { dir, root } = freshJob(false);
    expect((await item(dir, 'check', 'a')).code).toBe(0);
    expect((await item(dir, 'ok', 'a')).code).toBe(0);
    expect(tree(root)).toEqual([]);
    expect((await item(dir, 'fail', 'a')).code).toBe(0);
    expect(existsSync(dir)).toBe(true);
  });
});

describe('bad input: one clear line, exit 64, nothing written', () => {
  it.each([
    ['an empty ID', ['check', ''], /ID: an item ID cannot be empty/],
    ['a newline in the ID', ['fail', 'a\nb'], /control characters, got U\+000A/],
    ['an ID over 1024 bytes', ['fail', 'x'.repeat(1025)], /at most 1024 bytes/],
    ['a hash that is not hex', ['check', 'a', '--content-hash', 'not-hex'], /--content-hash: .*hex/],
    ['a bad --max-retries', ['check', 'a', '--max-retries', '-1'], /--max-retries: expected a whole number/],
    ['an option of another action', ['check', 'a', '--class', 'x'], /--class is not an option of item check/],
    ['no ID', ['fail'], /give the item's ID/],
    ['two IDs', ['ok', '--', 'a', 'b'], /takes one ID/],
    ['reset with neither ID nor --all', ['reset'], /give an ID or --all/],
    ['a control character in --class', ['fail', 'a', '--class', 'x\ty'], /--class: expected/],
    ['an unknown action', ['frobnicate', 'a'], /Invalid values/],
  ])('%s', async (_, args, why) => {
    const { dir } = freshJob();
    await item(dir, 'fail', 'existing');
    const before = snapshot(dir);
    const r = await cli(['item', ...sd(dir), ...args]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(why);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^safehalt: /);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a bad line on stdin stops filter before anything is read or written', async () => {
    const { dir } = freshJob(false);
    const r = await cli(['item', 'filter', ...sd(dir)], { input: 'a\nb\u0000c\n' });
    expect(r).toMatchObject({ code: 64, stdout: '' });
    expect(r.stderr).toContain('stdin line 2');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('IDs that look like paths stay inside the store', () => {
  it('../../etc/passwd, absolute paths, URLs and dots are stored by hash under items/', async () => {
    const { dir, root } = freshJob();
    const ids = ['../../etc/passwd', '/etc/passwd', 'https://example.com/a/../b?c#d', '..', '.', 'a/../../../x', '~root/.ssh'];
    for (const id of ids) expect(await item(dir, 'fail', id, '--class', 'p')).toMatchObject({ code: 0 });
    expect(tree(root).filter((f) => !f.startsWith('job'))).toEqual([]);
    for (const f of tree(dir)) expect(f).toMatch(/^(events\.jsonl|items(\/(open(\/[0-9a-f]{64})?|[0-9a-f]{2}(\/[0-9a-f]{64}\.json)?))?)$/);
    const listed = JSON.parse((await item(dir, 'list', '--json')).stdout).map((r: { id: string }) => r.id);
    expect(listed.sort()).toEqual([...ids].sort());
  });
});
