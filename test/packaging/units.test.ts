// packaging/: the unit files pass `systemd-analyze verify`, and the options they, the example env
// file and the crontab line give safehalt are ones it accepts.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, ROOT, stateDir, tempDir } from '../helpers/cli.ts';

const SYSTEMD = path.join(ROOT, 'packaging/systemd');
const UNITS = ['safehalt@.service', 'sync-orders.service'];
const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const read = (f: string) => readFileSync(path.join(SYSTEMD, f), 'utf8');

/** Unit settings as [key, value] pairs, continuation lines joined. */
function settings(unit: string): Array<[string, string]> {
  return unit
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((l) => /^[A-Z]\w*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}
const values = (unit: string, key: string) => settings(unit).filter(([k]) => k === key).map(([, v]) => v);

describe('packaging/systemd', () => {
  it.skipIf(!analyze && !process.env.CI)('systemd-analyze verify passes without a warning', () => {
    // verify checks that ExecStart= is executable: point it at a stand-in for the install path.
    const dir = tempDir();
    const bin = path.join(dir, 'safehalt');
    writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
    const files = UNITS.map((u) => {
      const file = path.join(dir, u.replace('@.', '@job.'));
      writeFileSync(file, read(u).replaceAll('/usr/local/bin/safehalt', bin));
      return file;
    });
    const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(UNITS)('%s: notify, restarts that stop at a halt, a stop timeout longer than the kill timeout, hardening', (u) => {
    const unit = read(u);
    const one = (k: string) => values(unit, k).join(' ');
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('all');
    expect(one('Restart')).toBe('on-failure');
    expect(values(unit, 'RestartPreventExitStatus')).toContain('80 81 82 83 84');
    expect(one('KillMode')).toBe('mixed');
    const kill = /--kill-timeout (\d+)s/.exec(one('ExecStart'))?.[1] ?? /SAFEHALT_KILL_TIMEOUT=(\d+)s/.exec(read('example.env'))![1];
    expect(Number(/^(\d+)s$/.exec(one('TimeoutStopSec'))![1])).toBeGreaterThan(Number(kill));
    expect(one('StateDirectory')).toMatch(/^\S+$/);
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateTmp')).toBe('yes');
  });

  it('the example unit\'s safehalt options are accepted', async () => {
    const exec = values(read('sync-orders.service'), 'ExecStart')[0].split(/\s+/);
    const options = exec.slice(2, exec.indexOf('--')).map((w) => (w.endsWith('.prom') ? path.join(tempDir(), 'm.prom') : w));
    const r = await cli(['run', '--mode', 'once', ...options, '--state-dir', stateDir(), '--', 'true']);
    expect(r.stderr).not.toMatch(/error|usage/i);
    expect(r.code).toBe(0);
  });

  it('the example env file\'s SAFEHALT_* options are accepted', async () => {
    const env: Record<string, string> = {};
    for (const [k, v] of settings(read('example.env'))) if (k !== 'SAFEHALT_COMMAND') env[k] = v;
    env.SAFEHALT_METRICS_FILE = path.join(tempDir(), 'm.prom');
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'true'], { env });
    expect(r.code).toBe(0);
    expect(readFileSync(env.SAFEHALT_METRICS_FILE, 'utf8')).toContain('safehalt_up{safehalt_job="job"} 0');
  });
});

describe('packaging/cron', () => {
  it('the crontab line\'s safehalt options are accepted, and a success prints nothing', async () => {
    const line = readFileSync(path.join(ROOT, 'packaging/cron/safehalt.cron'), 'utf8').split('\n').find((l) => /^[\d*]/.test(l))!;
    const words = line.split(/\s+/);
    const options = words.slice(words.indexOf('run') + 1, words.indexOf('--'));
    expect(options).toEqual(expect.arrayContaining(['--mode', 'once', '--quiet']));
    const r = await cli(['run', ...options, '--state-dir', stateDir(), '--', 'true']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});
