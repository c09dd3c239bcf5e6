// --help from the texts rendered at build time (src/cli/fast/help.ts) is exactly what yargs prints,
// for every command; a SAFEHALT_* default it would show makes yargs render it instead.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, cli, ROOT } from '../helpers/cli.ts';
import { spawnSync } from 'node:child_process';

const COMMANDS = [null, 'run', 'status', 'stop', 'pause', 'resume', 'heartbeat', 'item', 'unit', 'completion'];

/** What yargs itself prints for `argv`: the sources, which have no prebuilt texts. */
function yargsHelp(argv: string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'src/entry.ts'), ...argv], { env: cleanEnv(), encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe.runIf(process.env.SAFEHALT_BIN)('prebuilt --help', () => {
  it('the build wrote the texts', () => {
    expect(existsSync(path.join(ROOT, 'build/safehalt-help.json'))).toBe(true);
  });
  for (const c of COMMANDS) {
    const argv = c ? [c, '--help'] : ['--help'];
    it(`safehalt ${argv.join(' ')} prints what yargs renders`, async () => {
      const r = await cli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(yargsHelp(argv));
    });
  }
  it('a SAFEHALT_* variable the help shows as a default is shown', async () => {
    const r = await cli(['stop', '--help'], { env: { SAFEHALT_NAME: 'from-env' } });
    expect(r.stdout).toContain('[default: "from-env"]');
  });
});
