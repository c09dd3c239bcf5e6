// A resume takes effect, durably, before it says so, or says what it could not do and exits non-zero;
// no .resume request outlives the command that made it, and none clears a halt it did not target.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, readEvents, readJson, start as startCli, stateDir, tempDir, waitFor, type Running } from '../helpers/cli.ts';

// Every wrapper a test starts is gone after it, whatever the test did (a failed expectation included).
const started: Running[] = [];
const start = (...args: Parameters<typeof startCli>): Running => {
  const r = startCli(...args);
  started.push(r);
  return r;
};
afterEach(() => {
  for (const r of started.splice(0)) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
});

const halts = ['--mode', 'once', '--max-consecutive-failures', '1'];
const latchOf = (dir: string) => readJson(path.join(dir, 'state.json')).latch;
const leftovers = (dir: string) => ['.resume', '.resume.claimed'].filter((f) => existsSync(path.join(dir, f)));

/** An --on-halt hook that says it started (touches `flag`), then sleeps `seconds`. */
function slowHook(seconds: number): { hook: string; flag: string } {
  const t = tempDir();
  const hook = path.join(t, 'hook.sh');
  const flag = path.join(t, 'hook-started');
  writeFileSync(hook, `#!/bin/sh\ntouch "${flag}"\nsleep ${seconds}\n`, { mode: 0o755 });
  return { hook, flag };
}

describe('resume while a wrapper holds the lock', () => {
  it('during the halting run\'s --on-halt hook: waits for the lock, clears the halt durably, then says so', async () => {
    const dir = stateDir();
    const { hook, flag } = slowHook(2);
    const wrapper = start(['run', ...halts, '--state-dir', dir, '--on-halt', hook, '--', 'false']);
    await waitFor(() => existsSync(flag), 20_000, 'the --on-halt hook');
    const r = await cli(['resume', '--state-dir', dir, '--reason', 'db is back']);
    expect(r.stdout).toBe('resumed: cleared the RETRY_LIMIT_REACHED halt.\n');
    expect(r.code).toBe(0);
    // True the moment it returns: state.json, the stop reason, no request left behind.
    expect(latchOf(dir)).toBeNull();
    expect(leftovers(dir)).toEqual([]);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr).toMatchObject({ reason: 'RETRY_LIMIT_REACHED', latched: false, resume: null, cleared: { halt: 'RETRY_LIMIT_REACHED', reason: 'db is back' } });
    expect((await wrapper.done).code).toBe(80);
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(0);
  });

  it('a hook longer than --wait: exit 84, nothing changed, no request left (a later run still refuses)', async () => {
    const dir = stateDir();
    const { hook, flag } = slowHook(6);
    const wrapper = start(['run', ...halts, '--state-dir', dir, '--on-halt', hook, '--', 'false']);
    await waitFor(() => existsSync(flag), 20_000, 'the --on-halt hook');
    const r = await cli(['resume', '--state-dir', dir, '--reason', 'too early', '--wait', '1s']);
    expect(r.code).toBe(84);
    expect(r.stderr).toMatch(/could not clear the RETRY_LIMIT_REACHED halt: wrapper pid \d+ still holds the job's lock .*Nothing was changed/);
    expect(r.stdout).toBe('');
    expect(leftovers(dir)).toEqual([]);
    expect(latchOf(dir)).toMatchObject({ reason: 'RETRY_LIMIT_REACHED' });
    expect((await wrapper.done).code).toBe(80);
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(83);
    expect(leftovers(dir)).toEqual([]);
  });

  it('interrupted while waiting (SIGTERM): exit 143, the request withdrawn, the halt still latched', async () => {
    const dir = stateDir();
    const { hook, flag } = slowHook(6);
    const wrapper = start(['run', ...halts, '--state-dir', dir, '--on-halt', hook, '--', 'false']);
    await waitFor(() => existsSync(flag), 20_000, 'the --on-halt hook');
    const resume = start(['resume', '--state-dir', dir, '--reason', 'x']);
    await waitFor(() => existsSync(path.join(dir, '.resume')), 10_000, 'the request');
    resume.proc.kill('SIGTERM');
    expect((await resume.done).code).toBe(143);
    expect(leftovers(dir)).toEqual([]);
    expect(latchOf(dir)).not.toBeNull();
    await wrapper.done;
  });

  it('a --probe-after wrapper in phase halted clears its own latch on the request, and acknowledges it', async () => {
    const dir = stateDir();
    const fixed = path.join(tempDir(), 'fixed');
    const wrapper = start(['run', '--mode', 'loop', '--interval', '1h', '--max-consecutive-failures', '1', '--probe-after', '1h', '--state-dir', dir, '--', 'test', '-e', fixed]);
    await waitFor(() => readEvents(dir).some((e) => e.event === 'halted'), 20_000, 'the halt');
    writeFileSync(fixed, '');
    const r = await cli(['resume', '--state-dir', dir, '--reason', 'fixed it']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^resumed: the running wrapper \(pid \d+\) cleared the RETRY_LIMIT_REACHED halt\.\n$/);
    expect(latchOf(dir)).toBeNull();
    expect(leftovers(dir)).toEqual([]);
    const resumed = readEvents(dir).filter((e) => e.event === 'resumed');
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toMatchObject({ reason: 'fixed it', clearedHalt: 'RETRY_LIMIT_REACHED', automatic: false });
    expect(typeof resumed[0].request).toBe('string');
    await waitFor(() => readEvents(dir).some((e) => e.event === 'exited' && e.code === 0), 20_000, 'the run after the resume');
    wrapper.proc.kill('SIGTERM');
    expect((await wrapper.done).code).toBe(0);
  });

  it('a stale .resume (left from before, or aimed at another halt) never clears a new halt of a --probe-after wrapper', async () => {
    const dir = stateDir();
    const ran = path.join(tempDir(), 'ran');
    // An old-format marker, as a resume of an earlier version left it weeks ago.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, '.resume'), JSON.stringify({ schema: 1, now: false, reason: 'old', by: 'root', at: '2026-01-01T00:00:00.000Z', pid: 1 }), { mode: 0o600 });
    const wrapper = start(['run', '--mode', 'loop', '--interval', '1h', '--max-consecutive-failures', '1', '--probe-after', '1h', '--state-dir', dir, '--', 'sh', '-c', `echo x >> ${ran}; exit 1`]);
    await waitFor(() => readEvents(dir).some((e) => e.event === 'halted'), 20_000, 'the halt');
    await new Promise((r) => setTimeout(r, 1500));
    expect(latchOf(dir)).toMatchObject({ reason: 'RETRY_LIMIT_REACHED' });
    expect(readFileSync(ran, 'utf8')).toBe('x\n'); // the child ran once: the halt held
    expect(leftovers(dir)).toEqual([]);
    expect(readEvents(dir).some((e) => e.event === 'resume-ignored')).toBe(true);
    // A request aimed at another halt (a well-formed one, from a live process) is refused as well.
    writeFileSync(path.join(dir, '.resume'), JSON.stringify({ schema: 2, id: 'x', halt: { reason: 'RETRY_LIMIT_REACHED', wall: 1, mono: 1, boot: 'b' }, reason: 'r', by: 'root', at: new Date().toISOString(), pid: process.pid, pidStartTime: readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ')[19], expires: new Date(Date.now() + 60_000).toISOString() }), { mode: 0o600 });
    await waitFor(() => !existsSync(path.join(dir, '.resume')), 10_000, 'the wrapper to drop the request');
    await new Promise((r) => setTimeout(r, 500));
    expect(latchOf(dir)).not.toBeNull();
    expect(readFileSync(ran, 'utf8')).toBe('x\n');
    wrapper.proc.kill('SIGTERM');
    await wrapper.done;
  });

  it('a wrapper that holds the lock and cannot answer (SIGSTOP): 84 past --wait, request withdrawn; answered once it runs again', async () => {
    const dir = stateDir();
    const wrapper = start(['run', '--mode', 'loop', '--interval', '1h', '--max-consecutive-failures', '1', '--probe-after', '1h', '--state-dir', dir, '--', 'false']);
    await waitFor(() => readEvents(dir).some((e) => e.event === 'halted'), 20_000, 'the halt');
    wrapper.proc.kill('SIGSTOP');
    try {
      const early = await cli(['resume', '--state-dir', dir, '--reason', 'while stopped', '--wait', '1s']);
      expect(early.code).toBe(84);
      expect(early.stderr).toMatch(/could not clear the RETRY_LIMIT_REACHED halt: wrapper pid \d+ still holds the job's lock \(no answer within 1s/);
      expect(leftovers(dir)).toEqual([]);
      expect(latchOf(dir)).not.toBeNull();
    } finally {
      wrapper.proc.kill('SIGCONT');
    }
    // The withdrawn request is not answered late: the halt is still latched after the wrapper runs on.
    await new Promise((r) => setTimeout(r, 500));
    expect(latchOf(dir)).not.toBeNull();
    expect(readEvents(dir).some((e) => e.event === 'resumed')).toBe(false);
    const r = await cli(['resume', '--state-dir', dir, '--reason', 'now']);
    // The wrapper answers, runs `false` again at once and may halt again before resume looks: said so.
    expect(r.stdout).toMatch(/^resumed: the running wrapper \(pid \d+\) cleared the RETRY_LIMIT_REACHED halt( \(the job has halted again since: RETRY_LIMIT_REACHED\))?\.\n$/);
    expect(r.code).toBe(0);
    expect(readEvents(dir).filter((e) => e.event === 'resumed').map((e) => e.reason)).toEqual(['now']);
    wrapper.proc.kill('SIGTERM');
    await wrapper.done;
  });

  it('against a stream of refusing once-mode runs: every resume either took effect or said it did not; no request is left', async () => {
    const dir = stateDir();
    expect((await cli(['run', ...halts, '--state-dir', dir, '--', 'false'])).code).toBe(80);
    let stopping = false;
    const ticks = (async () => {
      while (!stopping) await cli(['run', ...halts, '--state-dir', dir, '--', 'false']);
    })();
    const answers: Array<{ code: number | null; reason: string; out: string }> = [];
    for (let i = 0; i < 12; i++) {
      const reason = `attempt ${i}`;
      const r = await cli(['resume', '--state-dir', dir, '--reason', reason, '--wait', '10s']);
      answers.push({ code: r.code, reason, out: r.stdout });
      await new Promise((res) => setTimeout(res, 50));
    }
    stopping = true;
    await ticks;
    const resumed = new Set(readEvents(dir).filter((e) => e.event === 'resumed').map((e) => e.reason));
    for (const a of answers) {
      expect([0, 83, 84]).toContain(a.code);
      // "resumed" means the halt was cleared: the log says so, with this resume's reason. (Exit 0
      // with "nothing to resume" is a resume that came between a clearing and the next halt.)
      if (a.code === 0 && a.out.startsWith('resumed:')) expect(resumed.has(a.reason)).toBe(true);
      if (a.code === 0 && !a.out.startsWith('resumed:')) expect(a.out).toMatch(/^nothing to resume/);
    }
    expect(answers.filter((a) => a.out.startsWith('resumed:')).length).toBeGreaterThan(0);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('a stop while a halt stays latched', () => {
  // stop-reason.json tells the truth about the latch: a SIGTERM or a stop file that ends a wrapper
  // waiting for its probe leaves the halt latched, so the file must not say it was cleared.
  for (const how of ['SIGTERM', 'stop file'] as const) {
    it(`${how} while halted with --probe-after: latched: true, the halt named, and the resume command`, async () => {
      const dir = stateDir();
      const wrapper = start(['run', '--mode', 'service', '--max-consecutive-failures', '2', '--backoff-initial', '10ms', '--probe-after', '1h', '--state-dir', dir, '--', 'false']);
      await waitFor(() => readEvents(dir).some((e) => e.event === 'halted'), 20_000, 'the halted event');
      if (how === 'SIGTERM') wrapper.proc.kill('SIGTERM');
      else writeFileSync(path.join(dir, '.stop'), '');
      expect((await wrapper.done).code).toBe(0);
      const sr = readJson(path.join(dir, 'stop-reason.json'));
      expect(sr).toMatchObject({ reason: how === 'SIGTERM' ? 'SIGNAL' : 'STOP_FILE', exitCode: 0, latched: true, latchedHalt: { reason: 'RETRY_LIMIT_REACHED', exitCode: 80 } });
      expect(sr.resume).toMatch(/^safehalt resume --state-dir .* --reason/);
      expect(sr.next).toMatch(/safehalt resume/);
      expect(latchOf(dir)).toMatchObject({ reason: 'RETRY_LIMIT_REACHED' });
    });
  }
});
