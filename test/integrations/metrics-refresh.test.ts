// The metrics file follows every command that changes the job's state, not only the next run:
// resume, pause, stop, a refused start, and the item verdicts that move its gauges. Its job label
// is safehalt_job, which never collides with the scrape's own job and instance labels.
import { describe, expect, it } from 'vitest';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { refreshMetrics } from '../../src/integrations/metrics-refresh.ts';
import path from 'node:path';
import { cli, fixture, stateDir, tempDir } from '../helpers/cli.ts';

const fast = ['--backoff-initial', '10ms', '--backoff-max', '20ms'];

function gauges(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of readFileSync(file, 'utf8').matchAll(/^(\w+)\{safehalt_job="orders"(,[^}]*)?\} (\S+)$/gm)) out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  return out;
}

describe('metrics file refresh', () => {
  it('no label is named job or instance', async () => {
    const file = path.join(tempDir(), 'orders.prom');
    await cli(['run', ...fast, '--name', 'orders', '--state-dir', stateDir(), '--metrics-file', file, '--', fixture('flaky-db.sh')]);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^safehalt_halted\{safehalt_job="orders"\} 1$/m);
    expect(text).not.toMatch(/[{,](job|instance)="/);
  });

  it('halt, refused start, resume, pause, stop: each rewrites the file at once', async () => {
    const dir = stateDir();
    const file = path.join(tempDir(), 'orders.prom');
    const run = (...cmd: string[]) => cli(['run', '--mode', 'once', '--quiet', '--name', 'orders', '--state-dir', dir, '--metrics-file', file, '--', ...cmd]);
    for (let i = 0; i < 3; i++) await run(fixture('exit-n.sh'), '1', 'connect ECONNREFUSED 127.0.0.1:5432');
    expect(gauges(file).get('safehalt_halted')).toBe(1);
    rmSync(file);
    expect((await run(fixture('exit-n.sh'), '0')).code).toBe(83);
    expect(gauges(file).get('safehalt_halted')).toBe(1); // the refusal wrote it again
    expect(gauges(file).get('safehalt_phase,phase="halted"')).toBe(1);
    expect((await cli(['resume', '--state-dir', dir, '--reason', 'db is back'])).code).toBe(0);
    let g = gauges(file);
    expect(g.get('safehalt_halted')).toBe(0);
    expect(g.get('safehalt_consecutive_failures')).toBe(0);
    expect(g.get('safehalt_up')).toBe(0);
    expect(g.get('safehalt_phase,phase="stopped"')).toBe(1);
    expect(g.get('safehalt_heartbeat_timestamp_seconds')).toBeCloseTo(Date.now() / 1000, -1);
    await cli(['pause', '--state-dir', dir, '--reason', 'maintenance']);
    expect(gauges(file).get('safehalt_phase,phase="paused"')).toBe(1);
    await cli(['resume', '--state-dir', dir]);
    expect(gauges(file).get('safehalt_phase,phase="stopped"')).toBe(1);
    rmSync(file);
    await cli(['stop', '--state-dir', dir, '--reason', 'vendor outage']);
    g = gauges(file);
    expect(g.get('safehalt_phase,phase="stopped"')).toBe(1);
    expect(g.get('safehalt_halted')).toBe(0);
  });

  it('item fail opening a circuit and item reset closing it move safehalt_items_circuit_broken', async () => {
    const dir = stateDir();
    const file = path.join(tempDir(), 'orders.prom');
    await cli(['run', '--mode', 'once', '--name', 'orders', '--state-dir', dir, '--metrics-file', file, '--max-retries-per-item', '2', '--', 'true']);
    expect(gauges(file).get('safehalt_items_circuit_broken')).toBe(0);
    for (let i = 0; i < 2; i++) await cli(['item', 'fail', 't3', '--state-dir', dir, '--class', '1']);
    expect(gauges(file).get('safehalt_items_circuit_broken')).toBe(1);
    expect((await cli(['item', 'check', 't3', '--state-dir', dir])).code).toBe(86);
    expect(gauges(file).get('safehalt_items_skipped_total')).toBe(1);
    await cli(['item', 'reset', 't3', '--state-dir', dir]);
    expect(gauges(file).get('safehalt_items_circuit_broken')).toBe(0);
  });

  it('a run without --metrics-file forgets the path: later commands write no stale file', async () => {
    const dir = stateDir();
    const file = path.join(tempDir(), 'orders.prom');
    await cli(['run', '--mode', 'once', '--name', 'orders', '--state-dir', dir, '--metrics-file', file, '--', 'true']);
    await cli(['run', '--mode', 'once', '--name', 'orders', '--state-dir', dir, '--', 'true']);
    rmSync(file);
    const r = await cli(['pause', '--state-dir', dir]);
    expect(r.stderr).toBe('');
    expect(() => readFileSync(file)).toThrow();
  });

  it.skipIf(process.geteuid?.() !== 0)("refreshing another user's job as root writes as that user: a path only root may write is not written", () => {
    const NOBODY = 65534;
    const top = tempDir();
    chmodSync(top, 0o755);
    const job = path.join(top, 'orders');
    mkdirSync(job, { mode: 0o700 });
    const rootOnly = path.join(top, 'root-only');
    mkdirSync(rootOnly, { mode: 0o700 });
    const open = path.join(top, 'open');
    mkdirSync(open, { mode: 0o700 });
    chownSync(open, NOBODY, NOBODY);
    const target = (file: string) => {
      writeFileSync(path.join(job, 'metrics-target.json'), JSON.stringify({ schema: 1, path: file, name: 'orders', heartbeatIntervalMs: 10000, stallTimeoutMs: 0 }), { mode: 0o600 });
      chownSync(path.join(job, 'metrics-target.json'), NOBODY, NOBODY);
    };
    chownSync(job, NOBODY, NOBODY);
    target(path.join(rootOnly, 'orders.prom'));
    refreshMetrics(job);
    expect(existsSync(path.join(rootOnly, 'orders.prom'))).toBe(false);
    target(path.join(open, 'orders.prom'));
    refreshMetrics(job);
    expect(statSync(path.join(open, 'orders.prom')).uid).toBe(NOBODY);
    expect(readFileSync(path.join(open, 'orders.prom'), 'utf8')).toMatch(/^safehalt_up\{safehalt_job="orders"\} 0$/m);
    expect(process.geteuid!()).toBe(0);
  });
});
