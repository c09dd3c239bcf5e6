// Conditions that last (a pause, a stop file, a skipped item) are said once when they start and
// again when they change, not at every cron tick; a forgotten stop file is said once a day.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, stateDir } from '../helpers/cli.ts';

const tick = (dir: string) => cli(['run', '--mode', 'once', '--quiet', '--state-dir', dir, '--', 'echo', 'ran']);

describe('said once, not at every tick', () => {
  it('a paused once-mode job under --quiet: one warning when the pause starts, again when it changes', async () => {
    const dir = stateDir();
    expect((await cli(['pause', '--state-dir', dir, '--reason', 'disk swap'])).code).toBe(0);
    const first = await tick(dir);
    expect(first.code).toBe(85);
    expect(first.stderr).toMatch(/warn: paused \(disk swap\): not running .*; to continue: safehalt resume --state-dir \S+/);
    for (let i = 0; i < 2; i++) expect(await tick(dir)).toMatchObject({ code: 85, stdout: '', stderr: '' });
    await new Promise((r) => setTimeout(r, 20));
    await cli(['pause', '--state-dir', dir, '--reason', 'still swapping']);
    expect((await tick(dir)).stderr).toContain('paused (still swapping)');
  });

  it('a stop file under --quiet: said at the first tick, then not again for a day', async () => {
    const dir = stateDir();
    await cli(['stop', '--state-dir', dir]);
    const first = await tick(dir);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/warn: not running: stop file \S+\.stop is present since .*every run exits 0 until it goes .*safehalt resume --state-dir/);
    expect(await tick(dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // A day later (the notice's time moved back 25 h): said again.
    const file = path.join(dir, 'stop-reason.json');
    const report = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...report, notice: { ...report.notice, at: report.notice.at - 25 * 3600 * 1000 } }));
    expect((await tick(dir)).stderr).toContain('not running: stop file');
    expect((await tick(dir)).stderr).toBe('');
  });

  it('item check: the skip line once per failure streak, with the exact reset command', async () => {
    const dir = stateDir();
    for (let i = 0; i < 3; i++) await cli(['item', 'fail', 't3', '--state-dir', dir]);
    const first = await cli(['item', 'check', 't3', '--state-dir', dir]);
    expect(first.code).toBe(86);
    expect(first.stderr).toContain(`Once fixed: safehalt item reset t3 --state-dir ${dir}`);
    expect(await cli(['item', 'check', 't3', '--state-dir', dir])).toMatchObject({ code: 86, stderr: '' });
    await cli(['item', 'reset', 't3', '--state-dir', dir]);
    for (let i = 0; i < 3; i++) await cli(['item', 'fail', 't3', '--state-dir', dir]);
    expect((await cli(['item', 'check', 't3', '--state-dir', dir])).stderr).toContain('skip item "t3"');
  });
});

describe('hints name the job', () => {
  it('resume of a halted job without --reason prints the exact command', async () => {
    const dir = stateDir();
    await cli(['run', '--mode', 'once', '--max-consecutive-failures', '1', '--state-dir', dir, '--', 'false']);
    const r = await cli(['resume', '--state-dir', dir]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`safehalt resume --state-dir ${dir} --reason "what was fixed"`);
  });

  it('pause and stop with no wrapper running say how to undo them, for this job', async () => {
    const dir = stateDir();
    expect((await cli(['pause', '--state-dir', dir])).stdout).toContain(`until: safehalt resume --state-dir ${dir}`);
    expect((await cli(['stop', '--state-dir', dir])).stdout).toContain(`until: safehalt resume --state-dir ${dir}`);
  });

  it('a --probe-after halt says when the probe will try, not "will not start again"', async () => {
    const r = await cli(['run', '--mode', 'once', '--max-consecutive-failures', '1', '--probe-after', '10m', '--state-dir', stateDir(), '--', 'false']);
    expect(r.code).toBe(80);
    expect(r.stderr).not.toContain('will not start again');
    expect(r.stderr).toMatch(/A probe will try one run at the first start after 10m \(at \d{4}-\S+Z, --probe-after\); to clear the halt sooner: safehalt resume --state-dir/);
  });

  it('--wait-lock is shown as written: "waiting up to 10s"', async () => {
    const dir = stateDir();
    const holder = cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'sleep', '1.5']);
    await new Promise((r) => setTimeout(r, 500));
    const r = await cli(['run', '--mode', 'once', '--wait-lock', '10s', '--state-dir', dir, '--', 'true']);
    await holder;
    expect(r.stderr).toContain('waiting up to 10s for the run holding the lock');
  });
});
