// The end of a run through the machine with the real edge: a Job on a real state directory, the
// machine's decision carried out into state.json, events.jsonl and the log; no child, no waiting.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/config/run-config.ts';
import { DEFAULT_POLICY } from '../../src/policy/config.ts';
import { freshMemory } from '../../src/policy/memory.ts';
import { Job } from '../../src/supervisor/job.ts';
import { afterRun } from '../../src/supervisor/exit-edge.ts';
import { systemClock } from '../../src/state/system-clock.ts';
import type { Logger } from '../../src/log/logger.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function testJob(over: Partial<RunConfig> = {}) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'safehalt-edge-'));
  dirs.push(stateDir);
  const cfg: RunConfig = {
    ...DEFAULT_POLICY, command: 'x', args: [], stateDir, name: 'job', killTimeoutMs: 1000, actionGraceMs: 1000, heartbeatIntervalMs: 10_000,
    stallTimeoutMs: 0, stopFiles: [], waitLockMs: 0, quiet: false, logFormat: 'text', orphan: 'wait', probeAfterMs: 0, probeMaxMs: 0,
    maxRetriesPerItem: null, metricsFile: null, onHalt: null, onHaltTimeoutMs: 1000, backoffJitter: 0, ...over,
  };
  const lines: string[] = [];
  const log: Logger = { error: (t) => lines.push(`error ${t}`), warn: (t) => lines.push(`warn ${t}`), info: (t) => lines.push(`info ${t}`), hold() {} };
  const j = new Job(cfg, { clock: systemClock, random: () => 0.5, log }, freshMemory('job'));
  return { j, lines, stateDir };
}

const events = (dir: string) => readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const json = (dir: string, f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;

describe('the end of a run, decided by the machine, carried out by the edge', () => {
  it("the child's retry-after report lengthens the backoff (read by the edge, for this iteration only)", async () => {
    const { j, lines, stateDir } = testJob({ mode: 'loop', backoffInitialMs: 100, backoffMaxMs: 60_000 });
    const hb = { schema: 1, time: new Date().toISOString(), pid: 1234, iteration: j.iteration, progress: null, step: null, cost: 0, beats: 1, action: null, retryAfterMs: 7000 };
    writeFileSync(path.join(stateDir, 'child-heartbeat.json'), JSON.stringify(hb), { mode: 0o600 });
    const next = await afterRun(j, { code: 1, signal: null, durationMs: 20, stderrTail: '' });
    expect(next).toEqual({ waitMs: 7000 });
    expect(lines).toContain('warn child exited with 1 after 20ms: failure exit:1 (1 in a row, 1 in all)');
    expect(lines.find((l) => l.startsWith('info restarting in 7s'))).toMatch(/retry-after 7s/);
    expect(events(stateDir).find((e) => e.event === 'backoff')).toMatchObject({ delayMs: 7000, retryAfterMs: 7000 });
    expect(j.phase).toBe('backoff');
    expect(j.iteration).toBe(2);
  });

  it('a halt: latched, the stop reason written, the line names the resume command, phase halted', async () => {
    const { j, lines, stateDir } = testJob({ mode: 'service', maxConsecutiveFailures: 1 });
    expect(await afterRun(j, { code: 3, signal: null, durationMs: 5, stderrTail: '' })).toEqual({ exit: 80 });
    expect(json(stateDir, 'state.json')).toMatchObject({ latch: { reason: 'RETRY_LIMIT_REACHED' } });
    expect(json(stateDir, 'stop-reason.json')).toMatchObject({ reason: 'RETRY_LIMIT_REACHED', exitCode: 80 });
    expect(lines.find((l) => l.startsWith('error HALTED'))).toContain(`The job will not start again until: safehalt resume --state-dir ${stateDir}`);
    expect(j.phase).toBe('halted');
  });

  it('a run stopped by a signal: not a failure; the stop says how the child was ended', async () => {
    const { j, lines, stateDir } = testJob({ mode: 'service' });
    j.controls.requestStop({ kind: 'SIGNAL', now: true, signal: 'SIGTERM' });
    j.lastEnding = { signal: 'SIGTERM', killedBy: 'kill-timeout' };
    expect(await afterRun(j, { code: null, signal: 'SIGKILL', durationMs: 1500, stderrTail: '', cause: 'stopped' })).toEqual({ exit: 0 });
    expect(json(stateDir, 'state.json')).toMatchObject({ failures: 0, consecutiveFailures: 0 });
    expect(lines.at(-1)).toBe('info stopped (SIGNAL): SIGTERM received; the child did not exit within 1s of SIGTERM (--kill-timeout) and was killed with SIGKILL');
    expect(j.phase).toBe('stopped');
  });
});
