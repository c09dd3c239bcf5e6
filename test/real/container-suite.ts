// What docs/recipes.md says of Docker and Podman, run for real (one suite, both runtimes): a stop is
// graceful and exits 0; a halt exits 80; the latch on a volume holds under each restart policy and
// the restarts are counted; safehalt as PID 1 without an init leaves orphans as zombies.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readEvents, tempDir } from '../helpers/cli.ts';
import { IMAGE, removeTree, rootfsTar, type Runtime } from './containers.ts';
import { until } from './daemons.ts';

const HALTS = ['/bin/sh', '-c', 'echo connect ECONNREFUSED 127.0.0.1:5432 >&2; exit 1'];
const FAST = ['--backoff-initial', '10ms', '--backoff-max', '20ms'];
/** How long the restart policies are watched (the figure in docs/recipes.md). */
export const WINDOW_MS = 15_000;

export function containerSuite(start: (dir: string) => Promise<Runtime>): void {
  let rt: Runtime;
  let dir: string;
  const t0 = Date.now();
  const volume = (name: string) => {
    const d = path.join(dir, 'vol', name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const ok = async (args: string[], ms?: number) => {
    const r = await rt.run(args, ms);
    if (r.code !== 0) throw new Error(`${rt.name} ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const logs = async (name: string) => {
    const r = await rt.run(['logs', name]);
    return r.stdout + r.stderr;
  };

  beforeAll(async () => {
    // A short path: the runtimes put unix sockets under it (at most 108 bytes).
    dir = tempDir('sh-ct-');
    rt = await start(dir);
    await ok(['import', '--change', 'ENTRYPOINT ["/safehalt"]', rootfsTar(dir), IMAGE], 120_000);
  }, 180_000);

  afterAll(async () => {
    await rt?.stop();
    removeTree(dir);
    console.log(`${rt?.name} real-parts test: ${Date.now() - t0} ms`);
  }, 60_000);

  it.each([[''], ['--init']])('stop → SIGTERM reaches the child, it stops gracefully, the container exits 0 (%s)', async (init) => {
    const name = `stop${init ? '-init' : ''}`;
    const state = volume(name);
    const child = 'trap "echo child got TERM; exit 0" TERM; echo ready; while :; do sleep 0.2; done';
    await ok(['run', '-d', '--name', name, ...rt.runFlags, ...(init ? [init] : []), '-v', `${state}:/state`, IMAGE, 'run', '--state-dir', '/state/job', '--', '/bin/sh', '-c', child]);
    await until('the child to start', 30_000, async () => (await logs(name)).includes('ready'));
    const t = Date.now();
    await ok(['stop', '-t', '30', name], 60_000);
    const took = Date.now() - t;
    expect(await ok(['inspect', '-f', '{{.State.ExitCode}}', name])).toBe('0');
    const out = await logs(name);
    expect(out).toContain('SIGTERM received: stopping the child gracefully');
    expect(out).toContain('child got TERM');
    expect(out.includes('running as PID 1 without an init')).toBe(init === '');
    expect(JSON.parse(readFileSync(path.join(state, 'job/stop-reason.json'), 'utf8')).reason).toBe('SIGNAL');
    expect(took).toBeLessThan(10_000); // graceful: well before the runtime's SIGKILL
  });

  it('a job that halts: the container exits 80; the next container on the same volume is refused (83) without running it', async () => {
    const state = volume('halt');
    const run = () => rt.run(['run', '--rm', ...rt.runFlags, '-v', `${state}:/state`, IMAGE, 'run', ...FAST, '--state-dir', '/state/job', '--', ...HALTS]);
    const first = await run();
    expect(first.code, first.stderr).toBe(80);
    expect(first.stderr).toContain('HALTED FAILURE_SPIKE');
    const again = await run();
    expect(again.code).toBe(83);
    expect(JSON.parse(readFileSync(path.join(state, 'job/state.json'), 'utf8')).runs).toBe(3);
  });

  it(`each restart policy over ${WINDOW_MS / 1000} s: the latch holds (3 runs of the command), restarts counted`, async () => {
    const policies = ['no', 'on-failure:3', 'always'];
    const t = Date.now();
    for (const p of policies) {
      const name = `policy-${p.replace(':', '-')}`;
      await ok(['run', '-d', '--name', name, '--restart', p, ...rt.runFlags, '-v', `${volume(name)}:/state`, IMAGE, 'run', ...FAST, '--state-dir', '/state/job', '--', ...HALTS]);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, WINDOW_MS - (Date.now() - t))));
    const seen: Record<string, { restarts: number; status: string; exit: number; runs: number; refused: number }> = {};
    for (const p of policies) {
      const name = `policy-${p.replace(':', '-')}`;
      const [restarts, status, exit] = (await ok(['inspect', '-f', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}', name])).split(' ');
      const job = path.join(dir, 'vol', name, 'job');
      const memory = JSON.parse(readFileSync(path.join(job, 'state.json'), 'utf8'));
      expect(memory.latch?.reason, p).toBe('FAILURE_SPIKE');
      seen[p] = { restarts: Number(restarts), status, exit: Number(exit), runs: memory.runs, refused: readEvents(job).filter((e) => e.event === 'refused').length };
      await rt.run(['rm', '-f', name]);
    }
    console.log(`${rt.name} restart policies over ${WINDOW_MS / 1000} s: ${JSON.stringify(seen)}`);
    for (const p of policies) expect(seen[p].runs, p).toBe(3); // the command ran 3 times, never again
    expect(seen.no).toMatchObject({ restarts: 0, status: 'exited', exit: 80, refused: 0 });
    expect(seen['on-failure:3']).toMatchObject({ restarts: 3, status: 'exited', exit: 83, refused: 3 });
    expect(seen.always.restarts).toBeGreaterThan(0);
    expect(seen.always.refused).toBeGreaterThanOrEqual(seen.always.restarts - 1);
  }, 90_000);

  it.each([[''], ['--init']])('PID 1 (%s): without an init an orphan that exits stays a zombie and safehalt warns; with --init it is reaped', async (init) => {
    const child = '(sh -c "sleep 0.2" &); sleep 1; ps -o pid,ppid,stat,comm';
    // Without an init the zombie keeps the child's process group alive until --kill-timeout: 2s, not 10s.
    const r = await rt.run(['run', '--rm', ...rt.runFlags, ...(init ? [init] : []), IMAGE, 'run', '--mode', 'once', '--kill-timeout', '2s', '--state-dir', '/tmp/job', '--', '/bin/sh', '-c', child]);
    expect(r.code, r.stderr).toBe(0);
    const zombies = r.stdout.split('\n').filter((l) => /^\s*\d+\s+\d+\s+Z\s/.test(l));
    if (init) {
      expect(zombies).toEqual([]);
      expect(r.stderr).not.toContain('PID 1');
    } else {
      expect(zombies).toHaveLength(1);
      expect(zombies[0]).toMatch(/^\s*\d+\s+1\s+Z\s+sleep/);
      expect(r.stderr).toContain('running as PID 1 without an init');
    }
  });
}
