// The child's command line arrives exactly as written after `--`, and item IDs stay as typed:
// nothing that looks like a number is turned into one (yargs did: `1e3` reached the child as 1000).
import { describe, expect, it } from 'vitest';
import { cli, stateDir } from '../helpers/cli.ts';

const WORDS = ['007', '1e3', '0x10', '-5', '1.50', '', ' spaced word ', '--not-a-flag', 'ünïcode', 'NaN', 'Infinity'];

describe('arguments pass through unchanged', () => {
  it('run: every word after -- reaches the child as written', async () => {
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'printf', '[%s]\\n', ...WORDS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(WORDS.map((w) => `[${w}]\n`).join(''));
  });

  it('item: IDs that look like numbers keep their spelling, through the fast path and after --', async () => {
    const dir = stateDir();
    for (const id of ['007', '1e3', '0x10'])
      expect((await cli(['item', 'fail', id, '--state-dir', dir])).code).toBe(0);
    expect((await cli(['item', 'fail', '--state-dir', dir, '--', '-5'])).code).toBe(0);
    const list = await cli(['item', 'list', '--json', '--state-dir', dir]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((i: { id: string }) => i.id).sort()).toEqual(['-5', '007', '0x10', '1e3']);
  });
});
