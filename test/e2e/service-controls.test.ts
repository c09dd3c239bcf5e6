// Service mode, where the child is long-running: what stop, stop --now, pause and status mean there,
// and SAFEHALT_ITERATION counting every run of the job across pauses and wrappers.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cli, fixture, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

const phase = (dir: string) => {
  try {
    return readJson(path.join(dir, 'heartbeat.json')) as { phase: string; childPid: number | null; iteration: number };
  } catch {
    return null;
  }
};
const running = (dir: string, iteration: number) => waitFor(() => phase(dir)?.phase === 'running' && phase(dir)!.iteration === iteration && phase(dir)!.childPid, 15_000, `iteration ${iteration} running`);
/** "1.5s" / "800ms" / "2m" as milliseconds. */
const ms = (t: string) => Number(t.replace(/[a-z]+$/, '')) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[t.replace(/^[\d.]+/, '')] ?? NaN);

describe('service mode controls', () => {
  it('SAFEHALT_ITERATION counts every run: after a pause and resume, and in the next wrapper after a stop', async () => {
    const dir = stateDir();
    const log = path.join(tempDir(), 'log');
    const child = ['sh', '-c', `echo "$SAFEHALT_ITERATION" >> ${log}; exec sleep 60`];
    const run = start(['run', '--min-uptime', '200ms', '--kill-timeout', '2s', '--state-dir', dir, '--', ...child]);
    await running(dir, 1);
    await cli(['pause', '--state-dir', dir]);
    await waitFor(() => phase(dir)?.phase === 'paused', 15_000, 'paused');
    await cli(['resume', '--state-dir', dir]);
    await running(dir, 2);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    const next = start(['run', '--min-uptime', '200ms', '--kill-timeout', '2s', '--state-dir', dir, '--', ...child]);
    await running(dir, 3);
    next.proc.kill('SIGTERM');
    expect((await next.done).code).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('1\n2\n3\n');
  }, 60_000);

  it("status shows the child's own uptime, apart from the wrapper's", async () => {
    const dir = stateDir();
    const run = start(['run', '--min-uptime', '300ms', '--backoff-initial', '10ms', '--backoff-max', '20ms', '--state-dir', dir, '--', 'sh', '-c', '[ "$SAFEHALT_ITERATION" -ge 2 ] && exec sleep 60; sleep 2']);
    try {
      await running(dir, 2);
      const s = await cli(['status', '--state-dir', dir]);
      const m = /child pid \d+ up ([\d.]+[a-z]+); wrapper up ([\d.]+[a-z]+)/.exec(s.stdout);
      expect(m, s.stdout).not.toBeNull();
      expect(ms(m![1])).toBeLessThan(ms(m![2]));
      expect(ms(m![2])).toBeGreaterThanOrEqual(2000);
    } finally {
      run.proc.kill('SIGTERM');
      await run.done;
    }
  }, 60_000);

  it('stop: says the child is stopped gracefully now (not "at the next loop boundary"); exit 0 STOP_FILE', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'term');
    const run = start(['run', '--state-dir', dir, '--', fixture('traps-term.sh'), marker]);
    await running(dir, 1);
    const s = await cli(['stop', '--state-dir', dir]);
    expect(s.stdout).not.toContain('loop boundary');
    expect(s.stdout).toMatch(/service mode: the child is being stopped gracefully now \(SIGTERM/);
    expect((await run.done).code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('got TERM\n');
    expect(readJson(path.join(dir, 'stop-reason.json')).reason).toBe('STOP_FILE');
  }, 60_000);

  it('pause: says the child is stopped now and the wrapper waits', async () => {
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', 'sleep', '60']);
    await running(dir, 1);
    const p = await cli(['pause', '--state-dir', dir]);
    expect(p.stdout).not.toContain('after the current iteration');
    expect(p.stdout).toMatch(/service mode: the child is being stopped gracefully now; no new run starts until 'safehalt resume'/);
    await waitFor(() => phase(dir)?.phase === 'paused', 15_000, 'paused');
    run.proc.kill('SIGTERM');
    await run.done;
  }, 60_000);

  it('stop and pause between runs (a backoff): say that no child runs, not that one is being stopped', async () => {
    const dir = stateDir();
    const run = start(['run', '--backoff-initial', '30s', '--state-dir', dir, '--', 'false']);
    await waitFor(() => existsSync(path.join(dir, 'events.jsonl')) && readFileSync(path.join(dir, 'events.jsonl'), 'utf8').includes('"backoff"'), 15_000, 'the backoff');
    const p = await cli(['pause', '--state-dir', dir]);
    expect(p.stdout).not.toContain('being stopped');
    expect(p.stdout).toMatch(/pause requested: wrapper pid \d+: no child is running \(between runs\); no new run starts until 'safehalt resume'/);
    const s = await cli(['stop', '--state-dir', dir]);
    expect(s.stdout).not.toContain('being stopped');
    expect(s.stdout).toMatch(/stop requested: wrapper pid \d+: no child is running \(between runs\): the wrapper stops now\./);
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(20_000);
  }, 60_000);

  it('stop --now does not wait for --kill-timeout: the child is killed at once (USER_KILLED)', async () => {
    const dir = stateDir();
    const pids = path.join(tempDir(), 'pids');
    const run = start(['run', '--kill-timeout', '30s', '--state-dir', dir, '--', fixture('ignore-term.sh'), pids]);
    await running(dir, 1);
    await waitFor(() => existsSync(pids) && readFileSync(pids, 'utf8').trim().split(' ').length === 2, 10_000, 'pids');
    const [child, grandchild] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    const s = await cli(['stop', '--now', '--state-dir', dir]);
    expect(s.stdout).toMatch(/the child is being killed now \(SIGKILL/);
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(20_000);
    expect(readJson(path.join(dir, 'stop-reason.json')).reason).toBe('USER_KILLED');
    expect(alive(child)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  }, 60_000);
});
