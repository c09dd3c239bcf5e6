// An action in flight belongs to the child that began it. A child that exits (crashes) between
// `begin ACTION` and `end` left the action in child-heartbeat.json, and a graceful stop of the NEXT
// child was held for it: SIGTERM waited the whole --action-grace (an hour with --action-grace 1h)
// for an action of a process that no longer existed, past systemd's TimeoutStopSec.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

/** Iteration 1 begins an action and crashes; later ones (optionally after a heartbeat) just run. */
function child(log: string, beatFirst: boolean): string[] {
  const later = `${beatFirst ? 'echo heartbeat >&$SAFEHALT_FD; ' : ''}echo "begun $SAFEHALT_ITERATION" >> ${log}; exec sleep 60`;
  return ['sh', '-c', `if [ "$SAFEHALT_ITERATION" = 1 ]; then echo "begin charge card" >&$SAFEHALT_FD; exit 1; fi; ${later}`];
}

describe('an action of an earlier child', () => {
  for (const beatFirst of [false, true]) {
    it(`does not hold the stop of the next child${beatFirst ? ' (which reported a heartbeat)' : ''}`, async () => {
      const dir = stateDir();
      const log = path.join(tempDir(), 'log');
      const run = start(['run', '--state-dir', dir, '--action-grace', '1h', '--kill-timeout', '1s', '--backoff-initial', '50ms', '--', ...child(log, beatFirst)]);
      await waitFor(() => lines(log).includes('begun 2'), 20_000, 'the second child');
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      run.proc.kill('SIGTERM');
      const killer = setTimeout(() => run.proc.kill('SIGTERM'), 15_000);
      const r = await run.done;
      clearTimeout(killer);
      expect(r.stderr).not.toMatch(/waiting up to .* for action/);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.code).toBe(0);
      expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'SIGNAL', exitCode: 0 });
      expect(readJson(path.join(dir, 'stop-reason.json')).waited ?? null).toBeNull();
    }, 60_000);
  }
});
