// `safehalt item check|fail|ok|reset|list|filter|prune`: per-work-item failure memory for scripts
// that process items. Flags become one typed ItemArgs here (exit 64 on anything wrong, before any
// file is touched); src/items/ does the work.
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { count } from './parse-values.ts';
import { EXIT, usageError } from '../exit-codes.ts';
import { refreshMetrics } from '../integrations/metrics-refresh.ts';
import { resolveStateDir } from '../state/state-dir.ts';
import { runItemAction, type ItemArgs, type Io } from '../items/actions.ts';
import { clipMessage, validClass, validContentHash, validId } from '../items/id.ts';
import { HASHES_MAX_BYTES } from '../items/input.ts';

const ACTIONS = ['check', 'fail', 'ok', 'reset', 'list', 'filter', 'prune'] as const;
type Action = (typeof ACTIONS)[number];

const ITEM_OPTIONS = {
  'content-hash': { type: 'string', describe: 'check, fail: hash of the item\'s content now (hex, or sha256sum output); a change resets its count' },
  'max-retries': { type: 'string', describe: 'check, filter, list: skip after N consecutive failures, 0 = never (default: run --max-retries-per-item, else 3)' },
  class: { type: 'string', describe: 'fail: the failure\'s class, such as an exit code or "timeout"' },
  message: { type: 'string', describe: 'fail: a short description of the failure' },
  all: { type: 'boolean', describe: 'reset: forget every item' },
  broken: { type: 'boolean', describe: 'list: only items whose circuit is open' },
  json: { type: 'boolean', describe: 'list: JSON instead of a table' },
  'content-hashes': { type: 'string', describe: 'filter: a file of ID<TAB>HASH lines, for IDs read without a hash' },
} as const;

/** The options each action takes; any other is a usage error. */
const ALLOWED: Record<Action, readonly (keyof typeof ITEM_OPTIONS)[]> = {
  check: ['content-hash', 'max-retries'],
  fail: ['class', 'message', 'content-hash'],
  ok: [],
  reset: ['all'],
  list: ['broken', 'json', 'max-retries'],
  filter: ['content-hashes', 'max-retries'],
  prune: [],
};
const NEEDS_ID: Record<Action, boolean | 'or --all'> = { check: true, fail: true, ok: true, reset: 'or --all', list: false, filter: false, prune: false };

export const itemCommand: Command = {
  command: 'item <action> [id]',
  describe: 'per-work-item failure memory: check|fail|ok|reset|list|filter|prune',
  builder: (y) =>
    y
      .usage('safehalt item <check|fail|ok|reset|list|filter|prune> [ID] [options]')
      .positional('action', { choices: ACTIONS, describe: 'what to do' })
      .positional('id', { type: 'string', describe: 'the item: any string of 1 to 1024 bytes without control characters' })
      .options(withEnv(LOCATE_OPTIONS))
      .options(ITEM_OPTIONS)
      .epilogue(
        'After fixing a stuck item: safehalt item reset ID (or reset --all). Without --max-retries the limit is the job\'s (run --max-retries-per-item), else 3.\n' +
          'Exit codes: 0 done (check: go), 86 check: skip (circuit open), 64 bad input, 78 an item record cannot be trusted, 84 an item lock held too long.',
      ),
  examples: [
    ['safehalt item check "$id" --content-hash "$(describe "$id" | sha256sum)" || continue', 'in a loop: exit 0 go, 86 skip this item'],
    ['safehalt item fail "$id" --class "$?"', 'record a failure (safehalt item ok "$id" forgets them)'],
    ['list-items | safehalt item filter | xargs -n1 -P8 ./process-one', 'cron: one process for a whole batch'],
  ],
  run: async (argv) => {
    const args = itemArgs(argv);
    const code = await runItemAction(args, stdio);
    if (changesGauges(args.action, code)) refreshMetrics(args.stateDir);
    return code;
  },
};

/** The verdicts that move the metrics file's item gauges (circuits opened or closed, skips counted). */
const changesGauges = (action: Action, code: number) => action === 'check' ? code === EXIT.ITEM_OPEN : action !== 'list';

/** The typed arguments of one `item` call. Exit 64 on anything wrong. */
export function itemArgs(a: Record<string, unknown>): ItemArgs {
  const action = a.action as Action;
  for (const opt of Object.keys(ITEM_OPTIONS) as (keyof typeof ITEM_OPTIONS)[])
    if (a[opt] !== undefined && !ALLOWED[action].includes(opt))
      throw usageError(`--${opt} is not an option of item ${action}${ALLOWED[action].length ? ` (it takes ${ALLOWED[action].map((o) => `--${o}`).join(', ')})` : ''}`);
  const id = theId(a, action);
  const stateDir = resolveStateDir({ stateDir: a['state-dir'] as string | undefined, name: a.name as string | undefined }).dir;
  const str = (k: string) => (a[k] === undefined ? null : String(one(k, a[k])));
  const hash = str('content-hash') === null ? null : validContentHash(str('content-hash')!);
  const limit = a['max-retries'] === undefined ? null : count('max-retries', a['max-retries'], 1_000_000);
  switch (action) {
    case 'check':
      return { action, stateDir, id: id!, hash, limit };
    case 'fail': {
      const cls = str('class');
      const message = str('message');
      return { action, stateDir, id: id!, hash, cls: cls === null ? null : validClass(cls), message: message === null ? null : clipMessage(message) };
    }
    case 'ok':
      return { action, stateDir, id: id! };
    case 'reset':
      return { action, stateDir, id };
    case 'list':
      return { action, stateDir, broken: a.broken === true, json: a.json === true, limit };
    case 'filter':
      return { action, stateDir, hashesFile: str('content-hashes'), limit };
    case 'prune':
      return { action, stateDir };
  }
}

/** The ID: the positional, or the one word after `--` (for IDs that begin with a dash). */
function theId(a: Record<string, unknown>, action: Action): string | null {
  const rest = ((a['--'] as unknown[] | undefined) ?? []).map(String);
  if (rest.length > (a.id === undefined ? 1 : 0)) throw usageError(`item ${action} takes one ID, got ${JSON.stringify([a.id, ...rest].filter((x) => x !== undefined))}`);
  const raw = a.id !== undefined ? String(a.id) : rest[0];
  const need = NEEDS_ID[action];
  if (need === false) {
    if (raw !== undefined) throw usageError(`item ${action} takes no ID${action === 'list' ? '' : ' (it reads IDs on stdin)'}, got ${JSON.stringify(raw)}`);
    return null;
  }
  if (need === 'or --all') {
    if ((raw === undefined) === (a.all !== true)) throw usageError('item reset: give an ID or --all (not both)');
    return raw === undefined ? null : validId(raw);
  }
  if (raw === undefined) throw usageError(`item ${action}: give the item's ID`);
  return validId(raw);
}

function one(flag: string, v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length > 1) throw usageError(`--${flag} was given ${v.length} times; give it once`);
    return v[0];
  }
  return v;
}

const stdio: Io = {
  stdin: async () => {
    if (process.stdin.isTTY) throw usageError('this item action reads IDs on stdin, one per line: pipe them in');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of process.stdin) {
      chunks.push(c as Buffer);
      // Bounded like every read: /dev/zero on stdin is refused, not read until memory runs out.
      if ((size += (c as Buffer).length) > HASHES_MAX_BYTES) throw usageError(`stdin: more than ${HASHES_MAX_BYTES} bytes of IDs; split the batch`);
    }
    return Buffer.concat(chunks).toString('utf8');
  },
  out: (text) =>
    new Promise((resolve) => {
      if (text === '') return resolve();
      // A reader that went away (| head) is not an error of ours: EPIPE ends the output quietly.
      const ignore = () => undefined;
      process.stdout.on('error', ignore);
      process.stdout.write(text, () => {
        setImmediate(() => process.stdout.off('error', ignore));
        resolve();
      });
    }),
  err: (line) => void process.stderr.write(`${line}\n`),
};
