// The seven `item` actions: typed arguments in, exit code out, output through an injected `Io`.
import { lstatSync } from 'node:fs';
import { EXIT } from '../exit-codes.ts';
import { prepareStateDir } from '../state/state-dir.ts';
import { checkItem } from './check.ts';
import { readItemsDefault } from './config.ts';
import { filterItems } from './filter.ts';
import { parseLines, readHashesFile } from './input.ts';
import { formatTable, listItems } from './list.ts';
import { failItem, okItem, resetItem } from './mutate.ts';
import { pruneItems, resetAll } from './prune.ts';
import { usageError } from '../exit-codes.ts';

export type ItemArgs = { stateDir: string } & (
  | { action: 'check'; id: string; hash: string | null; limit: number | null }
  | { action: 'fail'; id: string; cls: string | null; message: string | null; hash: string | null }
  | { action: 'ok'; id: string }
  | { action: 'reset'; id: string | null }
  | { action: 'list'; broken: boolean; json: boolean; limit: number | null }
  | { action: 'filter'; hashesFile: string | null; limit: number | null }
  | { action: 'prune' }
);

export interface Io {
  stdin: () => Promise<string>;
  out: (text: string) => Promise<void>;
  err: (line: string) => void;
}

const q = (id: string) => JSON.stringify(id);

/** Does the state directory exist (vetted)? Only `fail` creates it: an absent one is an empty memory. */
function haveStore(dir: string, create: boolean): boolean {
  if (!create) {
    try {
      lstatSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    }
  }
  prepareStateDir(dir, { create });
  return true;
}

export async function runItemAction(a: ItemArgs, io: Io): Promise<number> {
  const dir = a.stateDir;
  switch (a.action) {
    case 'check': {
      if (!haveStore(dir, false)) return EXIT.OK;
      const limit = a.limit ?? readItemsDefault(dir);
      const r = await checkItem(dir, a.id, a.hash, limit, () => readItemsDefault(dir));
      if (r.go) return EXIT.OK;
      const rec = r.record!;
      const cls = rec.lastClass === null ? '' : `, class ${rec.lastClass}`;
      io.err(`safehalt: skip item ${q(a.id)}: ${rec.failures} consecutive failures (last at ${rec.lastFailureAt}${cls}). Once fixed: safehalt item reset ${shellArg(a.id)}`);
      return EXIT.ITEM_OPEN;
    }
    case 'fail': {
      haveStore(dir, true);
      const r = await failItem(dir, a.id, { cls: a.cls, message: a.message, hash: a.hash }, readItemsDefault(dir));
      if (r.opened)
        io.err(`safehalt: item ${q(a.id)} failed ${r.record.failures} times in a row: check will skip it until its content changes, ok or reset.`);
      return EXIT.OK;
    }
    case 'ok':
      if (haveStore(dir, false)) await okItem(dir, a.id);
      return EXIT.OK;
    case 'reset': {
      if (a.id === null) {
        const n = haveStore(dir, false) ? await resetAll(dir) : 0;
        await io.out(`forgot ${n} item${n === 1 ? '' : 's'}\n`);
      } else {
        const removed = haveStore(dir, false) && (await resetItem(dir, a.id));
        await io.out(removed ? `forgot item ${q(a.id)}\n` : `item ${q(a.id)} had no failure memory\n`);
      }
      return EXIT.OK;
    }
    case 'list': {
      const rows = haveStore(dir, false) ? listItems(dir, a.limit ?? readItemsDefault(dir), a.broken) : [];
      if (a.json) await io.out(JSON.stringify(rows, null, 2) + '\n');
      else await io.out(rows.length ? formatTable(rows) : `no ${a.broken ? 'broken ' : ''}item has failure memory\n`);
      return EXIT.OK;
    }
    case 'filter': {
      const hashes = a.hashesFile ? readHashesFile(a.hashesFile) : new Map<string, string>();
      const lines = parseLines(await io.stdin(), 'stdin');
      if (!haveStore(dir, false)) {
        await io.out(lines.map((l) => `${l.text}\n`).join(''));
        return EXIT.OK;
      }
      const r = await filterItems(dir, lines, a.limit ?? readItemsDefault(dir), hashes);
      await io.out(r.allowed.map((l) => `${l}\n`).join(''));
      return EXIT.OK;
    }
    case 'prune': {
      const lines = parseLines(await io.stdin(), 'stdin');
      if (lines.length === 0)
        throw usageError('prune read no IDs on stdin, which would forget every item; to forget everything on purpose, use: safehalt item reset --all');
      const r = haveStore(dir, false) ? await pruneItems(dir, lines.map((l) => l.id)) : { kept: 0, dropped: 0, leftovers: 0 };
      await io.out(`kept ${r.kept}, dropped ${r.dropped} item${r.dropped === 1 ? '' : 's'} no longer listed\n`);
      return EXIT.OK;
    }
    default: {
      const never: never = a;
      throw new Error(`unknown item action ${JSON.stringify(never)}`);
    }
  }
}

/** An ID as a shell argument of `safehalt item ...`, for the hints printed to people. */
export function shellArg(id: string): string {
  const word = /^[A-Za-z0-9_@%+=:,./-][A-Za-z0-9_@%+=:,./#-]*$/.test(id) ? id : `'${id.replace(/'/g, `'\\''`)}'`;
  return id.startsWith('-') ? `-- ${word}` : word;
}
