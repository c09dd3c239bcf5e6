// `--metrics-file /dev/null` (a careless "no metrics") renamed a regular file over the device: as
// root, /dev/null became a 0644 file of Prometheus text for the whole host (seen with /dev/full).
// The writer replaces regular files only; a device or socket at the path is left as it is, with a
// warning naming it, and the job carries on. The test uses a device node of its own (mknod).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { cli, stateDir, tempDir } from '../helpers/cli.ts';

describe('--metrics-file at a device', () => {
  it('never replaces the device node', async () => {
    const dev = path.join(tempDir(), 'null');
    execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3']);
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--metrics-file', dev, '--', 'true']);
    expect(r.code).toBe(0);
    const st = lstatSync(dev);
    expect(st.isCharacterDevice()).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`metrics file not updated: .*${dev.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*not a regular file`));
    expect(r.stderr).not.toMatch(/internal error/);
  });
});
