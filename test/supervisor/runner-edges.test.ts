// The machine's runner with the real edges (src/supervisor/edges.ts): real children, real signals,
// a real state directory, and virtual time for every timer, so that kill timeouts and backoffs are
// exact to the millisecond without waiting for them.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/config/run-config.ts';
import type { Logger } from '../../src/log/logger.ts';
import { Runner } from '../../src/machine/runner.ts';
import type { Clock } from '../../src/policy/clock.ts';
import { DEFAULT_POLICY } from '../../src/policy/config.ts';
import { freshMemory, latch } from '../../src/policy/memory.ts';
import { currentBootId } from '../../src/state/system-clock.ts';
import { JobEdges } from '../../src/supervisor/edges.ts';
import { Job } from '../../src/supervisor/job.ts';
import { seed } from '../../src/supervisor/supervise.ts';
import type { Scheduler } from '../../src/util/long-timer.ts';
import { VirtualQueue } from '../helpers/virtual-time.ts';

const fixture = (name: string) => path.join(import.meta.dirname, '..', 'fixtures', name);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Virtual monotonic time: timers fire in order as advance() moves it. */
class VirtualTime extends VirtualQueue implements Scheduler {
  chunkMs = 2 ** 31 - 1;
  constructor() {
    super(1_000_000);
  }
  now = () => this.t;
  set = (fn: () => void, ms: number) => this.add(ms, fn);
  clear = (h: unknown) => this.remove(h);
  clock: Clock = { now: () => ({ mono: this.t, wall: Date.now(), boot: currentBootId() }) };
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 10))) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

function start(over: Partial<RunConfig>, argv: string[], latched = false) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'safehalt-edges-'));
  dirs.push(stateDir);
  const cfg: RunConfig = {
    ...DEFAULT_POLICY, command: argv[0]!, args: argv.slice(1), stateDir, name: 'job', killTimeoutMs: 5000, actionGraceMs: 5000, heartbeatIntervalMs: 10_000,
    stallTimeoutMs: 0, stopFiles: [], waitLockMs: 0, quiet: false, logFormat: 'text', orphan: 'wait', probeAfterMs: 0, probeMaxMs: 0,
    maxRetriesPerItem: null, metricsFile: null, onHalt: null, onHaltTimeoutMs: 1000, backoffJitter: 0, ...over,
  };
  const time = new VirtualTime();
  const lines: string[] = [];
  const log: Logger = { error: (t) => lines.push(`error ${t}`), warn: (t) => lines.push(`warn ${t}`), info: (t) => lines.push(`info ${t}`), hold() {} };
  let memory = freshMemory('job');
  if (latched) memory = latch(memory, { reason: 'FAILURE_SPIKE', rule: 'max-failures 10 within 10m', message: '10 failures', exitCode: 80, at: time.clock.now() });
  const job = new Job(cfg, { clock: time.clock, random: () => 0.5, log }, memory);
  const failures: unknown[] = [];
  const edges = new JobEdges(job, {}, (e) => failures.push(e), time);
  const runner = new Runner({ ...cfg, stallTimeoutMs: 0 }, seed(job), edges);
  edges.runner = runner;
  runner.deliver({ type: 'lock-acquired', orphanPid: null });
  const events = () => (existsSync(path.join(stateDir, 'events.jsonl')) ? readFileSync(path.join(stateDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : []);
  return { job, time, lines, edges, runner, stateDir, events, failures };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the runner with the real edges, on virtual time', () => {
  it('a child that ignores SIGTERM is killed exactly at --kill-timeout, and the stop says so', async () => {
    const r = start({ mode: 'service', minUptimeMs: 0 }, [fixture('ignore-term.sh'), '/dev/null']);
    await until('the child', () => r.runner.state.phase === 'running');
    const pid = r.runner.state.child!.pid;
    await new Promise((res) => setTimeout(res, 200)); // the trap is set
    r.edges.request({ type: 'signal', signal: 'SIGTERM' });
    r.time.advance(4999);
    await new Promise((res) => setTimeout(res, 200));
    expect(alive(pid)).toBe(true);
    r.time.advance(1);
    expect(await r.runner.done).toBe(0);
    expect(r.events().filter((e) => e.event === 'killed')).toMatchObject([{ signal: 'SIGKILL', why: 'kill-timeout', pid }]);
    const reason = JSON.parse(readFileSync(path.join(r.stateDir, 'stop-reason.json'), 'utf8')) as { reason: string; message: string };
    expect(reason).toMatchObject({ reason: 'SIGNAL', message: 'SIGTERM received; the child did not exit within 5s of SIGTERM (--kill-timeout) and was killed with SIGKILL' });
    expect(r.failures).toEqual([]);
  });

  it('loop mode: a failed iteration waits exactly its backoff before the next one starts', async () => {
    const r = start({ mode: 'loop', backoffInitialMs: 3000, backoffMaxMs: 3000 }, [fixture('exit-n.sh'), '1']);
    await until('the backoff', () => r.runner.state.phase === 'backoff');
    expect(r.lines).toContain('info restarting in 3s');
    r.time.advance(2999);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.events().filter((e) => e.event === 'started')).toHaveLength(1);
    r.time.advance(1);
    await until('the second start', () => r.events().filter((e) => e.event === 'started').length === 2);
    await until('the second backoff', () => r.runner.state.phase === 'backoff' && r.runner.state.iteration === 3);
    r.edges.request({ type: 'signal', signal: 'SIGINT' });
    expect(await r.runner.done).toBe(0);
    expect(r.lines.at(-1)).toBe('info stopped (SIGNAL): SIGINT received; no child was running');
  });

  it('halted: a .resume that is not a waiting request is removed and clears nothing', async () => {
    const r = start({ mode: 'service', probeAfterMs: 3_600_000, probeMaxMs: 7_200_000 }, ['true'], true);
    expect(r.runner.state.phase).toBe('halted');
    writeFileSync(path.join(r.stateDir, '.resume'), '', { mode: 0o600 });
    r.edges.recheck();
    expect(r.runner.state.memory.latch?.reason).toBe('FAILURE_SPIKE');
    expect(r.runner.state.phase).toBe('halted');
    expect(existsSync(path.join(r.stateDir, '.resume'))).toBe(false);
    expect(r.events().find((e) => e.event === 'resume-ignored')).toBeTruthy();
    expect(r.events().some((e) => e.event === 'resumed')).toBe(false);
    r.edges.request({ type: 'signal', signal: 'SIGTERM' });
    expect(await r.runner.done).toBe(0);
  });
});
