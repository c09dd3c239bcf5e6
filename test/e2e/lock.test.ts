// One run per job: a second exits 84; the lock of a SIGKILLed wrapper is taken over.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { cli, fixture, readJson, start, stateDir, waitFor } from '../helpers/cli.ts';

const running = (dir: string) => {
  try {
    return readJson(path.join(dir, 'heartbeat.json')).phase === 'running';
  } catch {
    return false;
  }
};

describe('the job lock', () => {
  it('a second run of the same job exits 84 without starting a child', async () => {
    const dir = stateDir();
    const first = start(['run', '--state-dir', dir, '--', fixture('forever.sh')]);
    await waitFor(() => running(dir), 10_000, 'first run');
    const second = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(second.code).toBe(84);
    expect(second.stderr).toMatch(/busy: another run of this job holds .*pid \d+/);
    first.proc.kill('SIGTERM');
    expect((await first.done).code).toBe(0);
  });

  it('--wait-lock waits for the other run to end', async () => {
    const dir = stateDir();
    const first = start(['run', '--mode', 'once', '--state-dir', dir, '--', 'sleep', '0.7']);
    await waitFor(() => running(dir), 10_000, 'first run');
    const second = await cli(['run', '--mode', 'once', '--wait-lock', '20s', '--state-dir', dir, '--', 'true']);
    expect(second.code).toBe(0);
    expect((await first.done).code).toBe(0);
  });

  it('the lock of a wrapper killed with SIGKILL is taken over at once', async () => {
    const dir = stateDir();
    const first = start(['run', '--state-dir', dir, '--', fixture('forever.sh')]);
    await waitFor(() => running(dir), 10_000, 'first run');
    const child = readJson(path.join(dir, 'heartbeat.json')).childPid;
    first.proc.kill('SIGKILL');
    process.kill(-child, 'SIGKILL'); // the orphaned child of the dead wrapper (it holds our stdout)
    await first.done;
    const second = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('was interrupted');
  });
});
