// `safehalt item list / reset / filter / prune` and the spec's loop, end to end on real files.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, cliArgv, readEvents } from '../helpers/cli.ts';
import { itemKey } from '../../src/items/id.ts';
import { checkItem } from '../../src/items/check.ts';
import { freshJob, sd, seed, tree } from './util.ts';

const item = (dir: string, ...args: string[]) => cli(['item', ...args, ...sd(dir)]);
const record = (dir: string, id: string) =>
  JSON.parse(readFileSync(path.join(dir, 'items', itemKey(id).slice(0, 2), `${itemKey(id)}.json`), 'utf8'));

describe('item list', () => {
  it('a table and JSON with id, failures, last failure time and class, hash, open or not', async () => {
    const { dir } = freshJob();
    await seed(dir, 'broken one', 3, { cls: 'timeout' });
    await item(dir, 'check', 'flaky', '--content-hash', 'ab');
    await item(dir, 'fail', 'flaky', '--class', 'exit:2', '--content-hash', 'ABCDEF0123456789', '--message', 'connection reset');
    const table = await item(dir, 'list');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CIRCUIT\s+FAILS\s+LAST FAILURE\s+CLASS\s+HASH\s+ID$/);
    expect(lines[1]).toMatch(/^open\s+3\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+timeout\s+-\s+broken one$/);
    expect(lines[2]).toMatch(/^closed\s+1\s+\S+\s+exit:2\s+abcdef012345\s+flaky$/);
    const json = JSON.parse((await item(dir, 'list', '--json')).stdout);
    expect(json).toEqual([
      expect.objectContaining({ id: 'broken one', failures: 3, open: true, lastClass: 'timeout', contentHash: null }),
      expect.objectContaining({ id: 'flaky', failures: 1, open: false, lastClass: 'exit:2', contentHash: 'abcdef0123456789', lastMessage: 'connection reset' }),
    ]);
    expect(typeof json[0].lastFailureAt).toBe('string');
    expect(JSON.parse((await item(dir, 'list', '--broken', '--json')).stdout).map((r: { id: string }) => r.id)).toEqual(['broken one']);
    expect(JSON.parse((await item(dir, 'list', '--broken', '--json', '--max-retries', '1')).stdout)).toHaveLength(2);
    expect((await item(dir, 'list', '--broken', '--max-retries', '0')).stdout).toBe('no broken item has failure memory\n');
  });

  it('an empty store lists nothing; a corrupt record is exit 78 naming the file', async () => {
    const { dir } = freshJob();
    expect((await item(dir, 'list', '--json')).stdout).toBe('[]\n');
    await item(dir, 'fail', 'a');
    const file = path.join(dir, 'items', itemKey('a').slice(0, 2), `${itemKey('a')}.json`);
    writeFileSync(file, '{ torn');
    for (const args of [['list'], ['check', 'a'], ['fail', 'a']]) {
      const r = await item(dir, ...args);
      expect(r.code).toBe(78);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toContain('corrupt');
    }
    expect(readFileSync(file, 'utf8')).toBe('{ torn');
  });
});

describe('item reset', () => {
  it('reset ID forgets one item (after fixing it), reset --all every item; both are logged', async () => {
    const { dir } = freshJob();
    for (const id of ['a', 'b', 'c']) await seed(dir, id, 3);
    expect((await item(dir, 'check', 'a')).code).toBe(86);
    expect(await item(dir, 'reset', 'a')).toMatchObject({ code: 0, stdout: 'forgot item "a"\n' });
    expect((await item(dir, 'check', 'a')).code).toBe(0);
    expect((await item(dir, 'reset', 'a')).stdout).toBe('item "a" had no failure memory\n');
    expect(await item(dir, 'reset', '--all')).toMatchObject({ code: 0, stdout: 'forgot 2 items\n' });
    expect((await item(dir, 'check', 'b')).code).toBe(0);
    expect(JSON.parse((await item(dir, 'list', '--json')).stdout)).toEqual([]);
    expect(readEvents(dir).filter((e) => e.event === 'item-reset')).toEqual([
      expect.objectContaining({ id: 'a' }),
      expect.objectContaining({ all: true, removed: 2 }),
    ]);
  });
});

describe('item filter', () => {
  it('prints the allowed lines as given, in order; resets changed items; counts skips', async () => {
    const { dir } = freshJob();
    await seed(dir, 'stuck', 3, { hash: 'aa' });
    await seed(dir, 'edited', 3, { hash: 'aa' });
    await seed(dir, 'once', 1);
    const input = 'new\nstuck\taa\nonce\nedited\tbb\n\nstuck\n';
    const r = await cli(['item', 'filter', ...sd(dir)], { input });
    expect(r).toMatchObject({ code: 0, stdout: 'new\nonce\nedited\tbb\n' });
    expect(record(dir, 'edited')).toMatchObject({ failures: 0, contentHash: 'bb' });
    const skipped = readEvents(dir).filter((e) => e.event === 'item-skipped');
    expect(skipped).toHaveLength(2);
    expect(skipped.every((e) => e.via === 'filter' && e.id === 'stuck')).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'items', 'skipped.json'), 'utf8')).skipped).toBe(2);
    expect((await cli(['item', 'filter', '--max-retries', '0', ...sd(dir)], { input })).stdout).toBe('new\nstuck\taa\nonce\nedited\tbb\nstuck\n');
  });

  it('--content-hashes FILE supplies hashes for bare IDs', async () => {
    const { dir, root } = freshJob();
    await seed(dir, 'x', 3, { hash: 'aa' });
    const hashes = path.join(root, 'hashes.tsv');
    writeFileSync(hashes, 'x\taa\n');
    expect((await cli(['item', 'filter', '--content-hashes', hashes, ...sd(dir)], { input: 'x\n' })).stdout).toBe('');
    writeFileSync(hashes, 'x\tbb\n');
    expect((await cli(['item', 'filter', '--content-hashes', hashes, ...sd(dir)], { input: 'x\n' })).stdout).toBe('x\n');
  });

  it('allows exactly what check allows', async () => {
    const { dir } = freshJob();
    const ids = Array.from({ length: 40 }, (_, i) => `item-${i}`);
    const fails = ids.map((_, i) => (i * 7) % 5);
    for (const [i, id] of ids.entries()) await seed(dir, id, fails[i]);
    const allowed = (await cli(['item', 'filter', ...sd(dir)], { input: ids.join('\n') })).stdout.split('\n').filter(Boolean);
    expect(allowed).toEqual(ids.filter((_, i) => fails[i] < 3));
    const goes: string[] = [];
    for (const id of ids) if ((await checkItem(dir, id, null, 3, () => 3)).go) goes.push(id);
    expect(allowed).toEqual(goes);
    for (const id of ids.slice(0, 5)) expect((await item(dir, 'check', id)).code).toBe(goes.includes(id) ? 0 : 86);
  });
});

describe('item prune', () => {
  it('keeps the items listed on stdin, drops the rest; refuses an empty list', async () => {
    const { dir } = freshJob();
    for (const id of ['a', 'b', 'c', 'd']) await seed(dir, id, 3);
    const r = await cli(['item', 'prune', ...sd(dir)], { input: 'b\nd\tabcd\nnever-failed\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'kept 2, dropped 2 items no longer listed\n' });
    expect(JSON.parse((await item(dir, 'list', '--json')).stdout).map((x: { id: string }) => x.id)).toEqual(['b', 'd']);
    const empty = await cli(['item', 'prune', ...sd(dir)], { input: '\n' });
    expect(empty.code).toBe(64);
    expect(empty.stderr).toContain('item reset --all');
    expect(JSON.parse((await item(dir, 'list', '--json')).stdout)).toHaveLength(2);
    expect(readdirOpen(dir)).toHaveLength(2);
  });
});

describe("the spec's shell loop", () => {
  it('processes good items every time and stops retrying the stuck one after 3 failures', () => {
    const { dir, root } = freshJob();
    const [cmd, pre] = cliArgv([]);
    const sh = `
      safehalt() { "$SH_CMD" $SH_PRE "$@"; }
      process() { [ "$1" != "owner/repo#13" ]; }
      for round in 1 2 3 4 5; do
        for id in owner/repo#12 owner/repo#13 owner/repo#14; do
          safehalt item check "$id" --content-hash "$(echo "$id v1" | sha256sum)" --max-retries 3 2>/dev/null || continue
          echo "$round $id" >> "$ROOT/processed"
          if process "$id"; then safehalt item ok "$id"; else safehalt item fail "$id" --class "$?" 2>/dev/null; fi
        done
      done`;
    const r = spawnSync('bash', ['-c', sh], {
      env: { PATH: process.env.PATH, SH_CMD: cmd, SH_PRE: pre.join(' '), ROOT: root, SAFEHALT_STATE_DIR: dir },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const processed = readFileSync(path.join(root, 'processed'), 'utf8').trim().split('\n');
    expect(processed.filter((l) => l.endsWith('#13'))).toEqual(['1 owner/repo#13', '2 owner/repo#13', '3 owner/repo#13']);
    expect(processed.filter((l) => l.endsWith('#12'))).toHaveLength(5);
    expect(record(dir, 'owner/repo#13')).toMatchObject({ failures: 3, lastClass: '1' });
  }, 120_000);
});

function readdirOpen(dir: string): string[] {
  return tree(path.join(dir, 'items', 'open'));
}
