// Runtime supervision: pause vs kill, budgets, progress, interrupted iterations, orphans, probe.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cli, cliArgv, fixture, readEvents, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

const fast = ['--backoff-initial', '10ms', '--backoff-max', '50ms'];
const phase = (dir: string) => {
  try {
    return readJson(path.join(dir, 'heartbeat.json')).phase as string;
  } catch {
    return null;
  }
};
/** A shell snippet that runs `safehalt heartbeat ARGS` the way a child would. */
const hb = (args: string) => cliArgv([]).flat().map((a) => `'${a}'`).join(' ') + ` heartbeat ${args}`;

describe('pause', () => {
  it('loop mode: pause during a long iteration lets it finish, then holds; resume continues the counters', async () => {
    const dir = stateDir();
    const flag = path.join(tempDir(), 'go');
    const log = path.join(tempDir(), 'log');
    const script = `echo "$SAFEHALT_ITERATION" >> ${log}; while [ ! -e ${flag} ]; do sleep 0.02; done`;
    const run = start(['run', '--mode', 'loop', '--max-iterations', '2', '--state-dir', dir, '--', 'sh', '-c', script]);
    await waitFor(() => phase(dir) === 'running', 10_000, 'running');
    expect((await cli(['pause', '--state-dir', dir, '--reason', 'db migration'])).code).toBe(0);
    writeFileSync(flag, '');
    await waitFor(() => phase(dir) === 'paused', 10_000, 'paused');
    expect(readFileSync(log, 'utf8')).toBe('1\n');
    const status = await cli(['status', '--state-dir', dir]);
    expect(status.code).toBe(85);
    expect(status.stdout).toMatch(/paused:\s+by \S+ .*db migration/);
    expect((await cli(['resume', '--state-dir', dir])).stdout).toContain('removed the pause');
    expect((await run.done).code).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('1\n2\n');
  });

  it('service mode: pause stops the child gracefully and waits; failures are not counted', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'term');
    const run = start(['run', '--state-dir', dir, '--', fixture('traps-term.sh'), marker]);
    await waitFor(() => phase(dir) === 'running', 10_000, 'running');
    await cli(['pause', '--state-dir', dir]);
    await waitFor(() => phase(dir) === 'paused', 10_000, 'paused');
    expect(readFileSync(marker, 'utf8')).toBe('got TERM\n');
    expect(readJson(path.join(dir, 'state.json')).failures).toBe(0);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('once mode: a paused job exits 85 without running', async () => {
    const dir = stateDir();
    await cli(['pause', '--state-dir', dir]);
    const marker = path.join(tempDir(), 'ran');
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'touch', marker]);
    expect(r.code).toBe(85);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('budgets', () => {
  it('a cost budget trips at the right iteration: exit 81, the budget, its limit and what was used', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--max-cost', '10', '--state-dir', dir, '--', 'sh', '-c', hb('--cost 3')]);
    expect(r.code).toBe(81);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr).toMatchObject({ reason: 'BUDGET_EXCEEDED', rule: 'max-cost 10', message: 'cost budget exceeded: used 12 of 10' });
    expect(readEvents(dir).filter((e) => e.event === 'started')).toHaveLength(4);
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(83);
  });
  it('cost sums carry no float noise: 0.2 three times is 0.6, in the stop reason and in status', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--max-cost', '0.5', '--state-dir', dir, '--', 'sh', '-c', hb('--cost 0.2')]);
    expect(r.code).toBe(81);
    expect(readJson(path.join(dir, 'stop-reason.json')).message).toBe('cost budget exceeded: used 0.6 of 0.5');
    expect(r.stderr).not.toMatch(/0\.6000000|0\.3999999|0\.4000000/);
    const s = await cli(['status', '--state-dir', dir]);
    expect(s.stdout).toMatch(/cost:\s+0\.6 since last resume \(0\.6 in all\)/);
  });
  it('--max-restarts: the restart beyond the budget is not made', async () => {
    const dir = stateDir();
    const r = await cli(['run', ...fast, '--max-consecutive-failures', '0', '--max-failures', '0', '--max-restarts', '2', '--state-dir', dir, '--', 'false']);
    expect(r.code).toBe(81);
    expect(readEvents(dir).filter((e) => e.event === 'started')).toHaveLength(3);
    expect(readJson(path.join(dir, 'stop-reason.json')).message).toBe('restarts budget exceeded: used 2 of 2');
  });
  it('--max-runtime stops a running child and halts with 81', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--max-runtime', '500ms', '--kill-timeout', '1s', '--state-dir', dir, '--', fixture('forever.sh')]);
    expect(r.code).toBe(81);
    expect(readJson(path.join(dir, 'stop-reason.json')).rule).toBe('max-runtime 500ms');
  });
});

describe('progress', () => {
  it('an A-B-A-B child halts with 82 LOOP_DETECTED and the stop reason shows the tokens', async () => {
    const dir = stateDir();
    const script = `if [ $((SAFEHALT_ITERATION % 2)) = 0 ]; then t=B; else t=A; fi; ${hb('--progress $t')}`;
    const r = await cli(['run', '--mode', 'loop', '--state-dir', dir, '--', 'sh', '-c', script]);
    expect(r.code).toBe(82);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr.reason).toBe('LOOP_DETECTED');
    expect(sr.progressTokens.slice(-6)).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
  });
  it('successful iterations that make no progress halt with 82 NO_PROGRESS', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--no-progress-after', '3', '--state-dir', dir, '--', 'sh', '-c', hb('--progress cursor-7')]);
    expect(r.code).toBe(82);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'NO_PROGRESS', rule: 'no-progress-after 3' });
    expect(readEvents(dir).filter((e) => e.event === 'started')).toHaveLength(4);
  });
});

describe('interrupted iterations and orphans', () => {
  it('a wrapper SIGKILLed mid-iteration: the next child sees the interrupted iteration and action', async () => {
    const dir = stateDir();
    const seen = path.join(tempDir(), 'env');
    const script = `${hb('--begin "charge card 42"')}; echo "$SAFEHALT_PREVIOUS_INTERRUPTED $SAFEHALT_INTERRUPTED_ITERATION $SAFEHALT_INTERRUPTED_ACTION" >> ${seen}; exec sleep 100000`;
    const first = start(['run', '--mode', 'loop', '--state-dir', dir, '--', 'sh', '-c', script]);
    // The line, not only the file: a child killed between creating it and writing would leave it empty.
    await waitFor(() => existsSync(seen) && readFileSync(seen, 'utf8').endsWith('\n'), 10_000, 'first child');
    const child = readJson(path.join(dir, 'inflight.json')).pid;
    first.proc.kill('SIGKILL');
    process.kill(-child, 'SIGKILL');
    await first.done;
    const second = start(['run', '--mode', 'once', '--state-dir', dir, '--', 'sh', '-c', `echo "$SAFEHALT_PREVIOUS_INTERRUPTED $SAFEHALT_INTERRUPTED_ITERATION $SAFEHALT_INTERRUPTED_ACTION" >> ${seen}`]);
    const r = await second.done;
    expect(r.code).toBe(0);
    expect(readFileSync(seen, 'utf8').split('\n')[1]).toBe('1 1 charge card 42');
    expect(readEvents(dir).find((e) => e.event === 'interrupted')).toMatchObject({ iteration: 1, action: 'charge card 42' });
  });

  it('--orphan wait: the child of a dead wrapper is waited for, never run twice; --orphan kill stops it', async () => {
    for (const mode of ['wait', 'kill'] as const) {
      const dir = stateDir();
      const runs = path.join(tempDir(), 'runs');
      const first = start(['run', '--state-dir', dir, '--', 'sh', '-c', `echo x >> ${runs}; exec sleep 1.5`]);
      await waitFor(() => existsSync(path.join(dir, 'inflight.json')) && readJson(path.join(dir, 'inflight.json')).pid, 10_000, 'child');
      const orphan = readJson(path.join(dir, 'inflight.json')).pid;
      first.proc.kill('SIGKILL');
      const t0 = Date.now();
      const second = await cli(['run', '--mode', 'once', '--orphan', mode, '--kill-timeout', '200ms', '--state-dir', dir, '--', 'sh', '-c', `echo y >> ${runs}`]);
      expect(second.code).toBe(0);
      expect(second.stderr).toContain(mode === 'wait' ? 'waiting for it to exit' : 'stopping it (--orphan kill)');
      expect(alive(orphan)).toBe(false);
      if (mode === 'wait') expect(Date.now() - t0).toBeGreaterThan(500);
      expect(readFileSync(runs, 'utf8')).toBe('x\ny\n');
      await first.done;
    }
  });
});

describe('half-open probe', () => {
  it('loop mode: stays up halted, one probe after the cooldown; success clears the latch automatically', async () => {
    const dir = stateDir();
    const n = path.join(tempDir(), 'n');
    // Three transport failures, then the dependency is back.
    const script = `n=$(cat ${n} 2>/dev/null || echo 0); echo $((n+1)) > ${n}; [ $n -ge 3 ] || { echo ECONNREFUSED >&2; exit 1; }`;
    const run = start(['run', '--mode', 'loop', ...fast, '--probe-after', '2500ms', '--max-iterations', '2', '--state-dir', dir, '--', 'sh', '-c', script]);
    await waitFor(() => phase(dir) === 'halted', 10_000, 'halted');
    expect((await cli(['status', '--state-dir', dir])).code).toBe(80);
    const r = await run.done;
    expect(r.code).toBe(0);
    const events = readEvents(dir);
    expect(events.find((e) => e.event === 'resumed')).toMatchObject({ automatic: true, by: 'probe', clearedHalt: 'FAILURE_SPIKE' });
    expect(readJson(path.join(dir, 'state.json')).latch).toBeNull();
  });

  it('once mode: before the cooldown a tick is refused; a failed probe keeps the latch and doubles the cooldown', async () => {
    const dir = stateDir();
    const args = ['run', '--mode', 'once', '--probe-after', '3s', '--probe-max', '10s', '--max-consecutive-failures', '1', '--state-dir', dir, '--', 'false'];
    expect((await cli(args)).code).toBe(80);
    const early = await cli(args);
    expect(early.code).toBe(83);
    expect(early.stderr).toContain('A probe run is due in');
    await new Promise((r) => setTimeout(r, 3000));
    expect((await cli(args)).code).toBe(80);
    expect(readJson(path.join(dir, 'state.json')).latch.probe.cooldownMs).toBe(6000);
    expect(readEvents(dir).some((e) => e.event === 'probe-failed')).toBe(true);
  });

  it('budget and no-progress halts are never probed', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--probe-after', '100ms', '--no-progress-after', '1', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(82);
  });
});

describe('status --watch', () => {
  it('redraws as the job changes and ends on SIGINT', async () => {
    const dir = stateDir();
    await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    const watch = start(['status', '--watch', '--json', '--state-dir', dir]);
    await waitFor(() => watch.proc.stdout && (watch as any), 100);
    let out = '';
    watch.proc.stdout!.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 600));
    await cli(['pause', '--state-dir', dir]);
    await waitFor(() => out.includes('"state":"paused"'), 10_000, 'a redraw showing paused');
    watch.proc.kill('SIGINT');
    const r = await watch.done;
    expect(r.code).toBe(85);
  });
});
