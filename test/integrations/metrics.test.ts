// --metrics-file: Prometheus textfile-collector format, checked by a real parser and linter
// (`promtool check metrics`, Debian package prometheus; .ci/run installs it).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { freshMemory } from '../../src/policy/memory.ts';
import { renderMetrics } from '../../src/integrations/metrics-format.ts';
import { cli, fixture, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

const promtool = spawnSync('promtool', ['--version']).status === 0;

/** promtool's verdict: it parses the exposition format and lints names, types and help texts. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** `name{labels} value` lines into a map keyed by `name{labels}`. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+\{[^}]*\}) (\S+)$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

const fast = ['--backoff-initial', '10ms', '--backoff-max', '20ms'];

describe('--metrics-file', () => {
  it.skipIf(!promtool && !process.env.CI)('after a transport spike: valid for promtool, with the halt, classes and counters', async () => {
    const file = path.join(tempDir(), 'job.prom');
    const r = await cli(['run', ...fast, '--name', 'orders', '--state-dir', stateDir(), '--metrics-file', file, '--', fixture('flaky-db.sh')]);
    expect(r.code).toBe(80);
    const text = readFileSync(file, 'utf8');
    const check = promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
    const s = samples(text);
    expect(s.get('safehalt_up{safehalt_job="orders"}')).toBe(0);
    expect(s.get('safehalt_phase{safehalt_job="orders",phase="halted"}')).toBe(1);
    expect([...s].filter(([k, v]) => k.startsWith('safehalt_phase{') && v === 1)).toHaveLength(1);
    expect(s.get('safehalt_halted{safehalt_job="orders"}')).toBe(1);
    expect(s.get('safehalt_halt_info{safehalt_job="orders",reason="FAILURE_SPIKE",rule="spike transport:3/2m"}')).toBe(1);
    expect(s.get('safehalt_failures_total{safehalt_job="orders",class="transport"}')).toBe(3);
    expect(s.get('safehalt_runs_total{safehalt_job="orders"}')).toBe(3);
    expect(s.get('safehalt_restarts_total{safehalt_job="orders"}')).toBe(2);
    expect(s.get('safehalt_consecutive_failures{safehalt_job="orders"}')).toBe(3);
    expect(s.get('safehalt_last_exit_code{safehalt_job="orders"}')).toBe(1);
    expect(s.get('safehalt_last_exit_timestamp_seconds{safehalt_job="orders"}')).toBeCloseTo(Date.now() / 1000, -2);
    expect(s.has('safehalt_last_success_timestamp_seconds{safehalt_job="orders"}')).toBe(false);
  });

  it('written atomically, mode 0644 for node_exporter, nothing left beside it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'job.prom');
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--metrics-file', file, '--', 'true']);
    expect(r.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['job.prom']);
    const s = samples(readFileSync(file, 'utf8'));
    expect(s.get('safehalt_phase{safehalt_job="job",phase="stopped"}')).toBe(1);
    expect(s.get('safehalt_successes_total{safehalt_job="job"}')).toBe(1);
    expect(s.get('safehalt_last_exit_code{safehalt_job="job"}')).toBe(0);
    expect(s.get('safehalt_last_success_timestamp_seconds{safehalt_job="job"}')).toBeCloseTo(Date.now() / 1000, -2);
  });

  it('while the child runs: up 1, phase running; a signal death is 128+N', async () => {
    const file = path.join(tempDir(), 'job.prom');
    const run = start(['run', '--state-dir', stateDir(), '--metrics-file', file, '--', fixture('forever.sh')]);
    const s = await waitFor(() => (existsSync(file) ? samples(readFileSync(file, 'utf8')) : null), 10_000, 'the metrics file');
    expect(s.get('safehalt_up{safehalt_job="job"}')).toBe(1);
    expect(s.get('safehalt_phase{safehalt_job="job",phase="running"}')).toBe(1);
    run.proc.kill('SIGTERM');
    await run.done;
    expect(samples(readFileSync(file, 'utf8')).get('safehalt_up{safehalt_job="job"}')).toBe(0);

    const killed = path.join(tempDir(), 'killed.prom');
    await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--metrics-file', killed, '--', 'sh', '-c', 'kill -USR1 $$']);
    expect(samples(readFileSync(killed, 'utf8')).get('safehalt_last_exit_code{safehalt_job="job"}')).toBe(128 + 10);
  });

  it.skipIf(!promtool && !process.env.CI)('label values are escaped: quotes, backslashes and newlines stay valid', () => {
    const memory = { ...freshMemory('x'), classCounts: { 'odd"class\\': 2 } };
    const text = renderMetrics('we"ird\\job\nname', { phase: 'backoff', iteration: 3, childPid: null, childStartedAt: null, memory, nextStartAt: null, detail: null });
    expect(text).toContain('safehalt_up{safehalt_job="we\\"ird\\\\job\\nname"} 1');
    expect(text).toContain('safehalt_failures_total{safehalt_job="we\\"ird\\\\job\\nname",class="odd\\"class\\\\"} 2');
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });

  it('a metrics file that cannot be written is a warning, not a failure', async () => {
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--metrics-file', '/nonexistent/dir/job.prom', '--', 'true']);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/warn: metrics file not updated: cannot write \/nonexistent\/dir\/job\.prom: .*; the job carries on/g)).toHaveLength(1);
  });
});
