// Process hygiene: children that fork daemons, ignore TERM, or exit while their grandchildren live.
// After the wrapper exits, no process of any group it started remains.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { cli, fixture, groupMembers, readEvents, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

/** Every process group the wrapper started: one per `started` event. */
const groups = (dir: string) => readEvents(dir).filter((e) => e.event === 'started').map((e) => Number(e.pid));

async function expectNoneLeft(dir: string) {
  const pgids = groups(dir);
  expect(pgids.length).toBeGreaterThan(0);
  // Reaping is done before the wrapper exits; allow the kernel a moment to remove the dead.
  await waitFor(() => pgids.every((g) => groupMembers(g).length === 0), 3000, 'no process left').catch(() => undefined);
  expect(pgids.flatMap((g) => groupMembers(g).map((p) => `${p} in group ${g}`))).toEqual([]);
}

const daemonAndFail = `sleep 100000 & (trap '' TERM INT HUP; while :; do sleep 0.05; done) & exit 1`;

describe('process hygiene', () => {
  it('a child that forks a daemon and exits 0: the daemon is reaped (once)', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', fixture('forks-daemon.sh'), path.join(tempDir(), 'pid')]);
    expect(r.code).toBe(0);
    await expectNoneLeft(dir);
  });

  it('a crash loop whose every run leaves a TERM-ignoring grandchild: none survives any run', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--kill-timeout', '300ms', '--backoff-initial', '10ms', '--backoff-max', '10ms', '--max-consecutive-failures', '8', '--state-dir', dir, '--', 'sh', '-c', daemonAndFail]);
    expect(r.code).toBe(80);
    expect(groups(dir)).toHaveLength(8);
    await expectNoneLeft(dir);
  });

  it('a child and grandchild that ignore TERM, ended by --timeout: SIGKILL after --kill-timeout', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--timeout', '500ms', '--kill-timeout', '500ms', '--state-dir', dir, '--', fixture('ignore-term.sh'), path.join(tempDir(), 'pids')]);
    expect(r.code).toBe(124);
    await expectNoneLeft(dir);
  });

  it('SIGTERM to the wrapper while the child ignores it: escalates, nothing left', async () => {
    const dir = stateDir();
    const w = start(['run', '--kill-timeout', '500ms', '--state-dir', dir, '--', fixture('ignore-term.sh'), path.join(tempDir(), 'pids')]);
    await waitFor(() => groups(dir).length === 1, 15_000, 'the child');
    w.proc.kill('SIGTERM');
    expect((await w.done).code).toBe(0);
    await expectNoneLeft(dir);
  });

  it('safehalt stop --now while a child with daemons runs: nothing left', async () => {
    const dir = stateDir();
    const w = start(['run', '--kill-timeout', '500ms', '--state-dir', dir, '--', 'sh', '-c', `sleep 100000 & (trap '' TERM; while :; do sleep 0.05; done) & wait`]);
    await waitFor(() => groups(dir).length === 1, 15_000, 'the child');
    expect((await cli(['stop', '--now', '--state-dir', dir])).code).toBe(0);
    expect((await w.done).code).toBe(0);
    await expectNoneLeft(dir);
  });

  it('a SIGKILLed wrapper leaves its group; the next start with --orphan kill reaps it', async () => {
    const dir = stateDir();
    const w = start(['run', '--state-dir', dir, '--', 'sh', '-c', `sleep 100000 & (trap '' TERM; while :; do sleep 0.05; done) & wait`]);
    await waitFor(() => groups(dir).length === 1, 15_000, 'the child');
    const [pgid] = groups(dir);
    w.proc.kill('SIGKILL');
    await waitFor(() => groupMembers(pgid).length >= 3, 5000, 'the group to be up');
    const r = await cli(['run', '--mode', 'once', '--orphan', 'kill', '--kill-timeout', '500ms', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('--orphan kill');
    await expectNoneLeft(dir);
  });
});
