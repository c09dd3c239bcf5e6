// The exit codes written into each recipe file are the ones of the exit-code table: the halt
// codes, the latched refusal and (where the manager can wait) the busy lock.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EXIT } from '../../src/exit-codes.ts';
import { RESTART_PREVENT_EXIT_STATUS } from '../../src/unit/render-unit.ts';
import { RECIPES } from './outer.ts';

const read = (f: string) => readFileSync(path.join(RECIPES, f), 'utf8');
const HALTED_OR_LATCHED = [EXIT.HALT_FAILURES, EXIT.HALT_BUDGET, EXIT.HALT_PROGRESS, EXIT.LATCHED];
const caseCodes = (script: string) => /^\s*([\d |]+)\)/m.exec(script)![1].split('|').map((c) => Number(c.trim()));

describe('recipe files', () => {
  it('supervisord: exitcodes= is 0 and the codes systemd must not restart', () => {
    expect(/^exitcodes=(.*)$/m.exec(read('supervisord.conf'))![1].split(',').map(Number)).toEqual([EXIT.OK, ...RESTART_PREVENT_EXIT_STATUS]);
    expect(read('supervisord.conf')).toMatch(/^startsecs=0$/m);
    expect(read('supervisord.conf')).toMatch(/^autorestart=unexpected$/m);
  });
  it('PM2: stop_exit_codes is 0 and the same codes', () => {
    const app = createRequire(import.meta.url)(path.join(RECIPES, 'ecosystem.config.cjs')).apps[0];
    expect(app.stop_exit_codes).toEqual([EXIT.OK, ...RESTART_PREVENT_EXIT_STATUS]);
    expect(app.interpreter).toBe('none');
    expect(app.kill_timeout).toBeGreaterThan(10_000);
  });
  it('s6 and runit: ./finish acts on the halt codes and a latched refusal', () => {
    expect(caseCodes(read('s6/sync/finish'))).toEqual(HALTED_OR_LATCHED);
    expect(read('s6/sync/finish')).toMatch(/\) exit 125 ;;/);
    expect(caseCodes(read('runit/sync/finish'))).toEqual(HALTED_OR_LATCHED);
    expect(read('runit/sync/finish')).toMatch(/\) exec sv down "\$PWD" ;;/);
  });
  it('Podman Quadlet: RestartPreventExitStatus= as in safehalt unit', () => {
    expect(/^RestartPreventExitStatus=(.*)$/m.exec(read('sync.container'))![1]).toBe(RESTART_PREVENT_EXIT_STATUS.join(' '));
  });
});
