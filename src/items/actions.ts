// The seven `item` actions: typed arguments in, exit code out, output through an injected `Io`.
import { lstatSync } from 'node:fs';
import { EXIT, usageError } from '../exit-codes.ts';
import { prepareStateDir } from '../state/state-dir.ts';
import { checkItem } from './check.ts';
import { readItemsDefault } from './config.ts';
import { filterItems } from './filter.ts';
import { parseLines, readHashesFile } from './input.ts';
import { formatTable, listItems } from './list.ts';
import { failItem, okItem, resetItem } from './mutate.ts';
import { pruneItems, resetAll } from './prune.ts';
import { firstSkip } from './skip-notice.ts';
import { jobHint } from '../util/job-hint.ts';

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

type Args<K extends ItemArgs['action']> = Extract<ItemArgs, { action: K }>;
type Handler<K extends ItemArgs['action']> = (a: Args<K>, io: Io) => Promise<number>;

/** One small function per action; a new action fails to compile until it has one. */
const ACTIONS: { [K in ItemArgs['action']]: Handler<K> } = {
  async check(a, io) {
    if (!haveStore(a.stateDir, false)) return EXIT.OK;
    const jobDefault = () => readItemsDefault(a.stateDir);
    const r = await checkItem(a.stateDir, a.id, a.hash, a.limit ?? jobDefault(), jobDefault);
    if (r.go) return EXIT.OK;
    const rec = r.record!;
    const cls = rec.lastClass === null ? '' : `, class ${rec.lastClass}`;
    if (firstSkip(a.stateDir, rec))
      io.err(`safehalt: skip item ${q(a.id)}: ${rec.failures} consecutive failures (last at ${rec.lastFailureAt}${cls}); later checks skip it silently (exit 86). Once fixed: ${jobHint(`item reset ${shellArg(a.id)}`, a.stateDir)}`);
    return EXIT.ITEM_OPEN;
  },

  async fail(a, io) {
    haveStore(a.stateDir, true);
    const r = await failItem(a.stateDir, a.id, { cls: a.cls, message: a.message, hash: a.hash }, readItemsDefault(a.stateDir));
    if (r.opened)
      io.err(`safehalt: item ${q(a.id)} failed ${r.record.failures} times in a row: check will skip it until its content changes, ok or ${jobHint(`item reset ${shellArg(a.id)}`, a.stateDir)}.`);
    return EXIT.OK;
  },

  async ok(a) {
    if (haveStore(a.stateDir, false)) await okItem(a.stateDir, a.id);
    return EXIT.OK;
  },

  async reset(a, io) {
    const have = haveStore(a.stateDir, false);
    if (a.id === null) {
      const n = have ? await resetAll(a.stateDir) : 0;
      await io.out(`forgot ${n} item${n === 1 ? '' : 's'}\n`);
    } else {
      const removed = have && (await resetItem(a.stateDir, a.id));
      await io.out(removed ? `forgot item ${q(a.id)}\n` : `item ${q(a.id)} had no failure memory\n`);
    }
    return EXIT.OK;
  },

  async list(a, io) {
    const rows = haveStore(a.stateDir, false) ? listItems(a.stateDir, a.limit ?? readItemsDefault(a.stateDir), a.broken) : [];
    if (a.json) await io.out(JSON.stringify(rows, null, 2) + '\n');
    else await io.out(rows.length ? formatTable(rows) : `no ${a.broken ? 'broken ' : ''}item has failure memory\n`);
    return EXIT.OK;
  },

  async filter(a, io) {
    const hashes = a.hashesFile ? readHashesFile(a.hashesFile) : new Map<string, string>();
    const lines = parseLines(await io.stdin(), 'stdin');
    const allowed = haveStore(a.stateDir, false)
      ? (await filterItems(a.stateDir, lines, a.limit ?? readItemsDefault(a.stateDir), hashes)).allowed
      : lines.map((l) => l.text);
    await io.out(allowed.map((l) => `${l}\n`).join(''));
    return EXIT.OK;
  },

  async prune(a, io) {
    const lines = parseLines(await io.stdin(), 'stdin');
    if (lines.length === 0)
      throw usageError('prune read no IDs on stdin, which would forget every item; to forget everything on purpose, use: safehalt item reset --all');
    const r = haveStore(a.stateDir, false) ? await pruneItems(a.stateDir, lines.map((l) => l.id)) : { kept: 0, dropped: 0 };
    await io.out(`kept ${r.kept}, dropped ${r.dropped} item${r.dropped === 1 ? '' : 's'} no longer listed\n`);
    return EXIT.OK;
  },
};

export function runItemAction(a: ItemArgs, io: Io): Promise<number> {
  // ACTIONS[a.action] takes exactly the arguments of a.action; TypeScript cannot follow that link.
  const handler = ACTIONS[a.action] as (args: ItemArgs, io: Io) => Promise<number>;
  return handler(a, io);
}

/** An ID as a shell argument of `safehalt item ...`, for the hints printed to people. */
export function shellArg(id: string): string {
  const word = /^[A-Za-z0-9_@%+=:,./-][A-Za-z0-9_@%+=:,./#-]*$/.test(id) ? id : `'${id.replace(/'/g, `'\\''`)}'`;
  return id.startsWith('-') ? `-- ${word}` : word;
}
