// An explicit flag always wins over the environment: inside a supervised child, the inherited
// SAFEHALT_STATE_DIR names the calling job, not the one given with --name.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, cliArgv, stateDir, tempDir } from '../helpers/cli.ts';

describe('--name inside a supervised child', () => {
  it('stop --name other stops other, and run --name inner runs inner (not 84 on the caller\'s lock)', async () => {
    const outer = stateDir();
    const xdg = tempDir();
    const out = path.join(tempDir(), 'out');
    const [bin, pre] = cliArgv([]);
    const sh = [bin, ...pre].map((w) => `'${w}'`).join(' ');
    const script = path.join(tempDir(), 'child.sh');
    writeFileSync(script, `#!/bin/sh\n${sh} run --mode once --name inner -- true; echo "inner $?" >> ${out}\n${sh} stop --name other; echo "stop $?" >> ${out}\n${sh} pause --name inner; echo "pause $?" >> ${out}\n`, { mode: 0o755 });
    expect((await cli(['run', '--mode', 'once', '--name', 'other', '--', 'true'], { env: { XDG_STATE_HOME: xdg } })).code).toBe(0);
    const r = await cli(['run', '--mode', 'once', '--state-dir', outer, '--', script], { env: { XDG_STATE_HOME: xdg } });
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('inner 0\nstop 0\npause 0\n');
    expect(existsSync(path.join(outer, '.stop'))).toBe(false);
    expect(existsSync(path.join(outer, '.pause'))).toBe(false);
    expect(existsSync(path.join(xdg, 'safehalt', 'other', '.stop'))).toBe(true);
    expect(existsSync(path.join(xdg, 'safehalt', 'inner', '.pause'))).toBe(true);
  });

  it('without --name the child still finds its own job through SAFEHALT_STATE_DIR', async () => {
    const outer = stateDir();
    const [bin, pre] = cliArgv([]);
    const script = path.join(tempDir(), 'child.sh');
    writeFileSync(script, `#!/bin/sh\n${[bin, ...pre].map((w) => `'${w}'`).join(' ')} heartbeat --step working\n`, { mode: 0o755 });
    expect((await cli(['run', '--mode', 'once', '--state-dir', outer, '--', script])).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(outer, 'child-heartbeat.json'), 'utf8')).step).toBe('working');
  });

  it('STATE_DIRECTORY (systemd) is used for the unit\'s own name, not for another --name', async () => {
    const unitDir = stateDir();
    const xdg = tempDir();
    const env = { STATE_DIRECTORY: unitDir, XDG_STATE_HOME: xdg };
    expect((await cli(['run', '--mode', 'once', '--name', path.basename(unitDir), '--', 'true'], { env })).code).toBe(0);
    expect(existsSync(path.join(unitDir, 'state.json'))).toBe(true);
    expect((await cli(['run', '--mode', 'once', '--name', 'elsewhere', '--', 'true'], { env })).code).toBe(0);
    expect(existsSync(path.join(xdg, 'safehalt', 'elsewhere', 'state.json'))).toBe(true);
  });
});
