// Stop files: checked at loop boundaries, noticed at once while waiting, never interrupting an iteration.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, fixture, readEvents, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';
import { mkdirSync } from 'node:fs';

const phase = (dir: string) => {
  try {
    return readJson(path.join(dir, 'heartbeat.json')).phase as string;
  } catch {
    return null;
  }
};

describe('stop files', () => {
  it('a present stop file keeps run from starting the child: exit 0 at once', async () => {
    const dir = stateDir();
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(path.join(dir, '.stop'), '');
    const marker = path.join(tempDir(), 'ran');
    for (const mode of ['service', 'loop', 'once']) {
      const r = await cli(['run', '--mode', mode, '--state-dir', dir, '--', 'touch', marker]);
      expect(r.code).toBe(0);
    }
    expect(existsSync(marker)).toBe(false);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'STOP_FILE', exitCode: 0 });
  });

  it('loop mode: a stop during an iteration lets it finish, then exits 0', async () => {
    const dir = stateDir();
    const flag = path.join(tempDir(), 'go');
    const done = path.join(tempDir(), 'done');
    const script = `while [ ! -e ${flag} ]; do sleep 0.02; done; echo finished >> ${done}`;
    const run = start(['run', '--mode', 'loop', '--state-dir', dir, '--', 'sh', '-c', script]);
    await waitFor(() => phase(dir) === 'running', 10_000, 'running');
    const stop = await cli(['stop', '--state-dir', dir, '--reason', 'maintenance']);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain('next loop boundary');
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(done)).toBe(false); // still in the iteration: not interrupted
    writeFileSync(flag, '');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(readFileSync(done, 'utf8')).toBe('finished\n'); // exactly one iteration
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'STOP_FILE', requestedBy: { reason: 'maintenance' } });
  });

  it('a stop file is noticed at once during a long backoff', async () => {
    const dir = stateDir();
    const run = start(['run', '--backoff-initial', '60s', '--backoff-max', '60s', '--state-dir', dir, '--', fixture('exit-n.sh'), '1']);
    await waitFor(() => phase(dir) === 'backoff', 10_000, 'backoff');
    const t0 = Date.now();
    writeFileSync(path.join(dir, '.stop'), ''); // touched by hand
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'STOP_FILE', requestedBy: { reason: null } });
  });

  it('a stop file is noticed at once during a loop interval, and an extra --stop-file works too', async () => {
    const dir = stateDir();
    const extra = path.join(tempDir(), 'maintenance.stop');
    const run = start(['run', '--mode', 'loop', '--interval', '1h', '--stop-file', extra, '--state-dir', dir, '--', 'true']);
    await waitFor(() => phase(dir) === 'waiting', 10_000, 'waiting');
    writeFileSync(extra, '');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(readJson(path.join(dir, 'stop-reason.json')).requestedBy.file).toBe(extra);
  });

  it('service mode: stop terminates the child gracefully', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'graceful');
    const run = start(['run', '--state-dir', dir, '--', fixture('traps-term.sh'), marker]);
    await waitFor(() => phase(dir) === 'running', 10_000, 'running');
    await cli(['stop', '--state-dir', dir]);
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('got TERM\n');
    expect(readJson(path.join(dir, 'stop-reason.json')).reason).toBe('STOP_FILE');
  });

  it('stop --now terminates a loop iteration at once: USER_KILLED', async () => {
    const dir = stateDir();
    const run = start(['run', '--mode', 'loop', '--state-dir', dir, '--', fixture('forever.sh')]);
    await waitFor(() => phase(dir) === 'running', 10_000, 'running');
    const stop = await cli(['stop', '--now', '--state-dir', dir, '--reason', 'runaway']);
    expect(stop.stdout).toContain('terminated now');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'USER_KILLED', requestedBy: { reason: 'runaway' } });
    expect(readJson(path.join(dir, 'state.json')).failures).toBe(0);
  });

  it('resume removes the stop file so the job can start again', async () => {
    const dir = stateDir();
    await cli(['stop', '--state-dir', dir]);
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(0);
    expect(readEvents(dir).some((e) => e.event === 'started')).toBe(false);
    expect((await cli(['resume', '--state-dir', dir])).stdout).toContain('removed the stop file');
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(0);
    expect(readEvents(dir).some((e) => e.event === 'started')).toBe(true);
  });
});
