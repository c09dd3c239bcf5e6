// How a stop really ends the child, said truthfully; job-control jobs of the child's session do not
// escape; a signal or a stop file while waiting for the lock or for an orphan is a clean stop.
import { readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, cli, readEvents, readJson, start, stateDir, tempDir, waitFor, runningChild } from '../helpers/cli.ts';


const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** A script that puts `sleep 300` in a job (its own process group, same session) and writes its pid. */
function jobScript(pidFile: string, tail: string): string {
  const f = path.join(tempDir(), 'jobs.sh');
  writeFileSync(f, `#!/bin/bash\nset -m\nsleep 300 &\necho $! > ${pidFile}\n${tail}\n`);
  chmodSync(f, 0o755);
  return f;
}

describe('what a stop did to the child', () => {
  it('SIGKILL after --kill-timeout is said so in the log, stop-reason.json and events', async () => {
    const dir = stateDir();
    const run = start(['run', '--kill-timeout', '500ms', '--state-dir', dir, '--', 'sh', '-c', "trap '' TERM; while :; do sleep 0.05; done"]);
    await runningChild(dir);
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    const message = readJson(path.join(dir, 'stop-reason.json')).message;
    expect(message).toMatch(/did not exit within 500ms of SIGTERM \(--kill-timeout\) and was killed with SIGKILL/);
    expect(message).not.toMatch(/gracefully/);
    expect(r.stderr.trim().split('\n').at(-1)).toContain('killed with SIGKILL');
    expect(readEvents(dir).filter((e) => e.event === 'killed')).toMatchObject([{ signal: 'SIGKILL', why: 'kill-timeout' }]);
  });

  it('a second SIGTERM: the last line says SIGKILL at once, not gracefully', async () => {
    const dir = stateDir();
    const run = start(['run', '--kill-timeout', '30s', '--state-dir', dir, '--', 'sh', '-c', "trap '' TERM; while :; do sleep 0.05; done"]);
    await runningChild(dir);
    run.proc.kill('SIGTERM');
    await waitFor(() => run.stderrSoFar().includes('SIGTERM received'), 10_000, 'the first signal');
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(20_000);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toContain('killed with SIGKILL at once');
    expect(last).not.toMatch(/gracefully/);
    expect(readEvents(dir).filter((e) => e.event === 'killed')).toMatchObject([{ why: 'escalation' }]);
  });
});

describe('the child session', () => {
  it('once mode: a `set -m` job left behind by the child is ended with the run', async () => {
    const pidFile = path.join(tempDir(), 'job.pid');
    const r = await cli(['run', '--mode', 'once', '--kill-timeout', '1s', '--state-dir', stateDir(), '--', jobScript(pidFile, 'exit 0')]);
    expect(r.code).toBe(0);
    const job = Number(readFileSync(pidFile, 'utf8'));
    strays.push(job);
    await waitFor(() => !alive(job), 5000, 'the job to be gone');
  });

  it('SIGTERM: a `set -m` job of the child is stopped with it', async () => {
    const dir = stateDir();
    const pidFile = path.join(tempDir(), 'job.pid');
    const run = start(['run', '--kill-timeout', '1s', '--state-dir', dir, '--', jobScript(pidFile, 'wait')]);
    await runningChild(dir);
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim(), 10_000, 'the job');
    const job = Number(readFileSync(pidFile, 'utf8'));
    strays.push(job);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    expect(alive(job)).toBe(false);
  });
});

describe('stops while waiting', () => {
  it('SIGTERM during --wait-lock: exit 0 at once, the holder is left alone', async () => {
    const dir = stateDir();
    const holder = start(['run', '--state-dir', dir, '--', 'sleep', '300']);
    const child = await runningChild(dir);
    const waiter = start(['run', '--wait-lock', '60s', '--state-dir', dir, '--', 'true']);
    await waitFor(() => waiter.stderrSoFar().includes('waiting up to'), 15_000, 'the waiter to wait');
    waiter.proc.kill('SIGTERM');
    const r = await waiter.done;
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.stderr).toContain('stopped (SIGNAL) while waiting for the lock: SIGTERM received; the child was not started');
    expect(readEvents(dir).filter((e) => e.event === 'stopped')).toMatchObject([{ reason: 'SIGNAL', waitingForLock: true }]);
    expect(existsSync(path.join(dir, 'stop-reason.json'))).toBe(false); // the holder's file, not the waiter's
    expect(alive(child)).toBe(true);
    holder.proc.kill('SIGTERM');
    expect((await holder.done).code).toBe(0);
  });

  it('SIGTERM and the stop file during --orphan wait: exit 0, stop reason written', async () => {
    const dir = stateDir();
    const first = start(['run', '--state-dir', dir, '--', 'sleep', '300']);
    const orphan = await runningChild(dir);
    strays.push(orphan);
    const gone = new Promise((r) => first.proc.once('exit', r)); // 'close' waits for the orphan's stdout
    first.proc.kill('SIGKILL');
    await gone;
    for (const how of ['signal', 'stop file'] as const) {
      const run = start(['run', '--orphan', 'wait', '--state-dir', dir, '--', 'true']);
      await waitFor(() => run.stderrSoFar().includes('waiting for it to exit'), 15_000, `the orphan wait (${how})`).catch((e) => {
        throw new Error(`${e.message}: ${run.stderrSoFar()}`);
      });
      if (how === 'signal') run.proc.kill('SIGTERM');
      else writeFileSync(path.join(dir, '.stop'), '');
      const r = await run.done;
      expect(r.code, how).toBe(0);
      expect(readJson(path.join(dir, 'stop-reason.json')), how).toMatchObject({ reason: how === 'signal' ? 'SIGNAL' : 'STOP_FILE', exitCode: 0 });
    }
    expect(alive(orphan)).toBe(true); // not ours to stop in wait mode
  });
});
