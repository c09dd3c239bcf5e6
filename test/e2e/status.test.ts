// `safehalt status`: read only from the files; the exit code tells the state.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { cli, fixture, readJson, start, stateDir, waitFor } from '../helpers/cli.ts';

const fast = ['--backoff-initial', '10ms', '--backoff-max', '50ms'];

describe('status', () => {
  it('a halted job: exit 80, the reason, the rule and the resume command', async () => {
    const dir = stateDir();
    await cli(['run', ...fast, '--state-dir', dir, '--', fixture('flaky-db.sh')]);
    const r = await cli(['status', '--state-dir', dir]);
    expect(r.code).toBe(80);
    expect(r.stdout).toMatch(/state:\s+HALTED FAILURE_SPIKE/);
    expect(r.stdout).toContain('3 transport failures within 2m (limit 3)');
    expect(r.stdout).toContain(`safehalt resume --state-dir ${dir} --reason`);
    expect(r.stdout).toMatch(/failures:\s+transport 3/);
    const j = await cli(['status', '--json', '--state-dir', dir]);
    expect(j.code).toBe(80);
    const v = JSON.parse(j.stdout);
    expect(v).toMatchObject({ state: 'halted', exitCode: 80, halt: { reason: 'FAILURE_SPIKE', rule: 'spike transport:3/2m' }, memory: { failures: 3 } });
    expect(v.events.map((e: any) => e.event)).toContain('halted');
  });

  it('a paused job: exit 85, with who and why', async () => {
    const dir = stateDir();
    await cli(['pause', '--state-dir', dir, '--reason', 'db migration']);
    const r = await cli(['status', '--state-dir', dir]);
    expect(r.code).toBe(85);
    expect(r.stdout).toMatch(/paused:\s+by \S+ .*ago: db migration/);
  });

  it('a running job: exit 0, phase and child pid; a hand-touched stop file says it has no reason', async () => {
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', fixture('forever.sh')]);
    await waitFor(() => {
      try {
        return readJson(path.join(dir, 'heartbeat.json')).phase === 'running';
      } catch {
        return false;
      }
    });
    const r = await cli(['status', '--state-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/state:\s+running \(wrapper pid \d+\)/);
    expect(r.stdout).toMatch(/phase:\s+running \(iteration 1, child pid \d+/);
    run.proc.kill('SIGTERM');
    await run.done;
    const after = await cli(['status', '--state-dir', dir]);
    expect(after.stdout).toMatch(/state:\s+stopped/);
    expect(after.stdout).toMatch(/last stop:\s+SIGNAL \(exit 0\)/);
    writeFileSync(path.join(dir, '.stop'), '');
    expect((await cli(['status', '--state-dir', dir])).stdout).toMatch(/stop file:\s+present: \(no reason given: touched by hand\)/);
  });

  it('a job whose last two runs failed and is not halted: FAILING, exit 87, last failure; then a success: healthy, exit 0', async () => {
    const dir = stateDir();
    for (let i = 0; i < 2; i++) await cli(['run', '--mode', 'once', '--quiet', '--state-dir', dir, '--', fixture('exit-n.sh'), '3']);
    const r = await cli(['status', '--state-dir', dir]);
    expect(r.code).toBe(87);
    expect(r.stdout).toMatch(/state:\s+stopped, FAILING: 2 failures in a row, not halted yet/);
    expect(r.stdout).toMatch(/last success:\s+never/);
    expect(r.stdout).toMatch(/last failure:\s+\S+ ago \(\d{4}-\d\d-\d\dT[\d:.]+Z\): exit:3/);
    const j = await cli(['status', '--json', '--state-dir', dir]);
    expect(j.code).toBe(87);
    expect(JSON.parse(j.stdout)).toMatchObject({ state: 'stopped', health: 'failing', exitCode: 87, failuresInARow: 2, lastSuccess: null, lastFailure: { class: 'exit:3', code: 3, signal: null } });
    await cli(['run', '--mode', 'once', '--quiet', '--state-dir', dir, '--', fixture('exit-n.sh'), '0']);
    const ok = await cli(['status', '--json', '--state-dir', dir]);
    expect(ok.code).toBe(0);
    const v = JSON.parse(ok.stdout);
    expect(v).toMatchObject({ health: 'healthy', failuresInARow: 0, lastFailure: { class: 'exit:3' } });
    expect(Date.parse(v.lastSuccess)).toBeGreaterThan(Date.parse(v.lastFailure.time));
    expect((await cli(['status', '--state-dir', dir])).stdout).toMatch(/state:\s+stopped, healthy/);
  });

  it('a service that ran past --min-uptime and was stopped: the run is counted and is the last success', async () => {
    const dir = stateDir();
    const run = start(['run', '--min-uptime', '300ms', '--state-dir', dir, '--', fixture('forever.sh')]);
    await waitFor(() => {
      try {
        return readJson(path.join(dir, 'state.json')).lastSuccessAt !== null;
      } catch {
        return false;
      }
    }, 15_000, 'the service to outlive --min-uptime');
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    const r = await cli(['status', '--state-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/runs:\s+1 \(0 ok, 0 failed, 1 stopped on request, 0 in a row\)/);
    expect(r.stdout).toMatch(/last success:\s+\S+ ago/);
    expect(r.stdout).toMatch(/state:\s+stopped, healthy/);
  });

  it('an unknown job is a configuration error naming the directory', async () => {
    const dir = stateDir();
    const r = await cli(['status', '--state-dir', dir]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`no state directory at ${dir}`);
  });
});
