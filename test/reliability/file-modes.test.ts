// Every file the program creates in a state directory is 0600 and every directory 0700, whoever
// creates it first (the wrapper, or a child touching $SAFEHALT_HEARTBEAT_FILE with umask 022).
import { describe, expect, it } from 'vitest';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { cli, cliArgv, start, stateDir, waitFor } from '../helpers/cli.ts';

const hb = (args: string) => cliArgv([]).flat().map((a) => `'${a}'`).join(' ') + ` heartbeat ${args}`;

/** Every entry under dir with a mode other than 0600 (files) or 0700 (directories). */
function wrongModes(dir: string): string[] {
  const bad: string[] = [];
  for (const e of readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, e);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue; // gone between readdir and lstat (a temp file)
    }
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) bad.push(`${e} ${(st.mode & 0o777).toString(8)}`);
  }
  return bad;
}

describe('file modes', () => {
  it('every file 0600 and directory 0700, while running and after, with a child that touches its heartbeat file', async () => {
    const dir = stateDir();
    const script = `umask 022; touch "$SAFEHALT_HEARTBEAT_FILE"; ${hb('--cost 1 --progress p$SAFEHALT_ITERATION --begin a')}; ${hb('--end')}; sleep 0.3`;
    const run = start(['run', '--mode', 'loop', '--max-iterations', '3', '--state-dir', dir, '--', 'sh', '-c', script]);
    await waitFor(() => existsSync(path.join(dir, 'child.heartbeat')), 15_000, 'child.heartbeat');
    expect(wrongModes(dir)).toEqual([]);
    expect((await run.done).code).toBe(0);
    await cli(['item', 'fail', 'x', '--state-dir', dir]);
    await cli(['pause', '--state-dir', dir]);
    await cli(['stop', '--state-dir', dir]);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['child.heartbeat', 'state.json', 'events.jsonl', 'heartbeat.json', 'stop-reason.json', '.pause', '.stop']));
    expect(wrongModes(dir)).toEqual([]);
  }, 60_000);
});
