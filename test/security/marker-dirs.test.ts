// A directory planted where a marker file goes (`.stop`, `.pause`): `resume` must remove the marker,
// cannot, and said "internal error: EISDIR: illegal operation on a directory, unlink ..." (exit 78
// with no file named as a state file, no fix). Now: exit 78, one line naming the entry and the fix.
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { cli, stateDir } from '../helpers/cli.ts';

describe('a directory in place of a marker file', () => {
  for (const marker of ['.stop', '.pause']) {
    it(`resume with ${marker} as a directory: 78, one clear line naming it`, async () => {
      const dir = stateDir();
      expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(0);
      mkdirSync(path.join(dir, marker));
      const r = await cli(['resume', '--state-dir', dir, '--reason', 'fixed']);
      expect(r.code).toBe(78);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stderr).toContain(path.join(dir, marker));
      expect(r.stderr).toMatch(/move it aside|remove it/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});
