// A pid read from a file is a process only with its start time, boot and pid namespace: after a
// wrapper crash and pid reuse, `--orphan kill` must not kill a stranger, nor `--orphan wait` wait on
// one; and a live wrapper is never taken over when run.lock (or its owner record) is removed by hand.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cli, readEvents, readJson, start, stateDir, waitFor } from '../helpers/cli.ts';
import { pidNamespace, procStartTime } from '../../src/child/proc.ts';
import { currentBootId } from '../../src/state/system-clock.ts';
import { record } from '../reliability/figures.ts';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A stranger's `setsid sleep 300`: a process group of its own, nothing to do with the job. */
function stranger(): { pid: number; startTime: string } {
  const p: ChildProcess = spawn('setsid', ['sleep', '300'], { stdio: 'ignore', detached: false });
  cleanup.push(() => p.kill('SIGKILL'));
  const pid = p.pid!;
  return { pid, startTime: procStartTime(pid) ?? '' };
}

/** A dead wrapper's pid: a process that has come and gone. */
async function deadPid(): Promise<number> {
  const p = spawn('true');
  await new Promise((r) => p.on('exit', r));
  return p.pid!;
}

async function checkpoint(fields: Record<string, unknown>): Promise<string> {
  const dir = stateDir();
  mkdirSync(dir, { mode: 0o700 });
  const rec = { schema: 1, iteration: 3, pid: null, pidStartTime: null, wrapperPid: await deadPid(), startedAt: new Date().toISOString(), command: 'job', ...fields };
  writeFileSync(path.join(dir, 'inflight.json'), JSON.stringify(rec), { mode: 0o600 });
  return dir;
}

const here = () => ({ boot: currentBootId(), pidns: pidNamespace() });

describe('--orphan after a crash and pid reuse', () => {
  for (const orphan of ['kill', 'wait']) {
    it(`--orphan ${orphan}: a pid recorded without its start time is never the orphan`, async () => {
      const s = await waitFor(() => { const x = stranger(); return x.startTime ? x : null; });
      const dir = await checkpoint({ pid: s.pid, pidStartTime: null });
      const r = await cli(['run', '--mode', 'once', '--orphan', orphan, '--kill-timeout', '1s', '--state-dir', dir, '--', 'true']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.ms).toBeLessThan(20_000);
      expect(alive(s.pid)).toBe(true);
      expect(readEvents(dir).some((e) => e.event === 'orphan')).toBe(false);
    });
  }

  it('a start time that matches but a boot that does not (or none recorded) is not the orphan', async () => {
    const s = stranger();
    for (const boot of ['0b0b0b0b-0000-4000-8000-000000000000', undefined]) {
      const dir = await checkpoint({ pid: s.pid, pidStartTime: s.startTime, boot, pidns: pidNamespace() });
      const r = await cli(['run', '--mode', 'once', '--orphan', 'kill', '--kill-timeout', '1s', '--state-dir', dir, '--', 'true']);
      expect(r.code, r.stderr).toBe(0);
      expect(alive(s.pid)).toBe(true);
    }
  });

  it('pid, start time, boot and pid namespace all matching: that is the orphan, and it is killed', async () => {
    const s = stranger();
    const dir = await checkpoint({ pid: s.pid, pidStartTime: s.startTime, ...here() });
    const r = await cli(['run', '--mode', 'once', '--orphan', 'kill', '--kill-timeout', '1s', '--state-dir', dir, '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
    await waitFor(() => !alive(s.pid), 5000, 'the orphan to be gone');
    expect(readEvents(dir).some((e) => e.event === 'orphan')).toBe(true);
  });
});

describe('the child start time is recorded at every start', () => {
  it('200 starts of `true`: every start has its start time (a child gone at once is read as a zombie)', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--interval', '0', '--max-iterations', '200', '--state-dir', dir, '--', 'true'], {});
    expect(r.code, r.stderr).toBe(0);
    const started = readEvents(dir).filter((e) => e.event === 'started');
    expect(started.length).toBeGreaterThan(100);
    const missing = started.filter((e) => typeof e.pidStartTime !== 'string');
    expect(missing).toHaveLength(0);
    record('process-identity', { starts: started.length, withoutStartTime: missing.length });
  }, 120_000);

  it('a wrapper killed by its child leaves a checkpoint naming the child by pid, start time and boot', async () => {
    const dir = stateDir();
    await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'sh', '-c', 'sleep 0.5; kill -KILL $PPID']);
    const cp = readJson(path.join(dir, 'inflight.json'));
    expect(typeof cp.pid).toBe('number');
    expect(cp.pidStartTime).toMatch(/^\d+$/);
    expect(cp.boot).toBe(currentBootId());
    expect(cp.wrapperStartTime).toMatch(/^\d+$/);
  });
});

describe('a live wrapper is never taken over, whatever happened to run.lock', () => {
  for (const removed of [['run.lock'], ['run.lock', 'lock-owner.json'], ['run.lock', 'lock-owner.json', 'heartbeat.json']]) {
    it(`${removed.join(' and ')} removed by hand while the wrapper runs: the next run exits 84, the child lives on`, async () => {
      const dir = stateDir();
      const a = start(['run', '--state-dir', dir, '--', 'sleep', '300']);
      cleanup.push(() => a.proc.kill('SIGKILL'));
      const child = await waitFor(() => readEvents(dir).find((e) => e.event === 'started')?.pid as number | undefined, 20_000, 'the child');
      cleanup.push(() => { try { process.kill(-child, 'SIGKILL'); } catch { /* gone */ } });
      for (const f of removed) rmSync(path.join(dir, f), { recursive: true, force: true });
      const b = await cli(['run', '--mode', 'once', '--orphan', 'kill', '--kill-timeout', '1s', '--state-dir', dir, '--', 'true']);
      expect(b.code, b.stderr).toBe(84);
      expect(b.stderr).toContain('busy');
      expect(b.stderr).not.toContain('wrapper died');
      expect(alive(child)).toBe(true);
      expect(alive(a.proc.pid!)).toBe(true);
      expect(readFileSync(path.join(dir, 'inflight.json'), 'utf8')).toContain(`"pid": ${child}`);
      // status still sees it running.
      const st = await cli(['status', '--json', '--state-dir', dir]);
      expect(JSON.parse(st.stdout).state).toBe('running');
      a.proc.kill('SIGTERM');
      expect((await a.done).code).toBe(0);
    }, 60_000);
  }
});

describe('a boot id that differs', () => {
  // systemd-nspawn fakes a boot id that a unit with ProtectKernelTunables= does not see: a record of
  // this boot may carry another boot id. Written after this boot began, it still names a live wrapper;
  // written before, it is from an earlier boot, whatever process now has its pid and start time.
  for (const [when, time, busy] of [['after this boot began', new Date().toISOString(), true], ['before this boot', '1999-01-01T00:00:00.000Z', false]] as const) {
    it(`heartbeat.json naming a live process, another boot id, written ${when}: ${busy ? '84 busy' : 'not taken for a wrapper'}`, async () => {
      const s = stranger();
      const dir = stateDir();
      mkdirSync(dir, { mode: 0o700 });
      const hb = { schema: 1, time, pid: s.pid, pidStartTime: s.startTime, boot: 'another-boot-id', pidns: pidNamespace(), phase: 'running' };
      writeFileSync(path.join(dir, 'heartbeat.json'), JSON.stringify(hb), { mode: 0o600 });
      const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
      expect(r.code, r.stderr).toBe(busy ? 84 : 0);
      expect(alive(s.pid)).toBe(true);
    });
  }
});
