// Signals: graceful stop, escalation, SIGHUP forwarding, and no process of the group left behind.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { alive, fixture, groupMembers, readJson, start, stateDir, tempDir, waitFor, runningChild } from '../helpers/cli.ts';

const childPid = (dir: string) => runningChild(dir, 10_000);

describe('signals', () => {
  it('SIGTERM: the child that traps it shuts down gracefully; exit 0, reason SIGNAL', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'graceful');
    const run = start(['run', '--state-dir', dir, '--', fixture('traps-term.sh'), marker]);
    const pid = await childPid(dir);
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('got TERM\n');
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'SIGNAL', exitCode: 0 });
    expect(readJson(path.join(dir, 'state.json')).failures).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it('SIGINT is forwarded as SIGINT', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'int');
    const run = start(['run', '--state-dir', dir, '--', 'sh', '-c', `trap 'echo INT > ${marker}; exit 0' INT; while :; do sleep 0.05; done`]);
    await childPid(dir);
    run.proc.kill('SIGINT');
    expect((await run.done).code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('INT\n');
  });

  it('a child (and grandchild) ignoring TERM is killed after --kill-timeout; none of the group survives', async () => {
    const dir = stateDir();
    const pids = path.join(tempDir(), 'pids');
    const run = start(['run', '--kill-timeout', '500ms', '--state-dir', dir, '--', fixture('ignore-term.sh'), pids]);
    const pid = await childPid(dir);
    await waitFor(() => existsSync(pids) && readFileSync(pids, 'utf8').includes(' '), 5000, 'pid file');
    const [leader, grandchild] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    expect(leader).toBe(pid);
    const t0 = Date.now();
    run.proc.kill('SIGTERM');
    const r = await run.done;
    const took = Date.now() - t0;
    expect(r.code).toBe(0);
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(5000);
    expect(alive(leader)).toBe(false);
    expect(alive(grandchild)).toBe(false);
    expect(groupMembers(pid)).toEqual([]);
  });

  it('a second SIGTERM escalates to SIGKILL at once', async () => {
    const dir = stateDir();
    const pids = path.join(tempDir(), 'pids');
    const run = start(['run', '--kill-timeout', '60s', '--state-dir', dir, '--', fixture('ignore-term.sh'), pids]);
    const pid = await childPid(dir);
    await waitFor(() => existsSync(pids), 5000, 'pid file');
    run.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe(0);
    expect(groupMembers(pid)).toEqual([]);
  });

  it('SIGHUP is forwarded to the child, which keeps running', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'hup');
    const run = start(['run', '--state-dir', dir, '--', 'sh', '-c', `trap 'echo HUP >> ${marker}' HUP; while :; do sleep 0.05; done`]);
    const pid = await childPid(dir);
    run.proc.kill('SIGHUP');
    await waitFor(() => existsSync(marker), 5000, 'HUP marker');
    expect(alive(pid)).toBe(true);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('grandchildren left behind by an exiting child are cleaned up', async () => {
    const dir = stateDir();
    const pidFile = path.join(tempDir(), 'daemon');
    const run = start(['run', '--mode', 'once', '--kill-timeout', '500ms', '--state-dir', dir, '--', fixture('forks-daemon.sh'), pidFile]);
    const r = await run.done;
    expect(r.code).toBe(0);
    const daemon = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !alive(daemon), 3000, 'the daemon grandchild to be gone');
  });
});
