// An extra stop file (--stop-file PATH) present at start: the run said "the child was not started
// (safehalt resume --state-dir DIR removes it)", but resume does not touch files outside the state
// directory: it printed "nothing to resume", exited 0, and every later start stayed stopped. The
// hint given must be one that works.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, stateDir, tempDir } from '../helpers/cli.ts';

describe('an extra --stop-file at start', () => {
  for (const quiet of [false, true]) {
    it(`names the way to clear it that works${quiet ? ' (--quiet)' : ''}`, async () => {
      const dir = stateDir();
      const extra = path.join(tempDir(), 'maintenance.stop');
      writeFileSync(extra, '');
      const args = ['run', '--mode', 'once', ...(quiet ? ['--quiet'] : []), '--state-dir', dir, '--stop-file', extra, '--', 'true'];
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/resume[^\n]*removes it|To run again: safehalt resume/);
      if (!quiet) expect(r.stderr).toContain(`rm ${extra}`);
    });
  }
});
