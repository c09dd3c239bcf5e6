// Reporting without spawning: the child writes report lines to $SAFEHALT_FD, and each has the
// effect of the `safehalt heartbeat` flag of the same name. Bad lines warn, floods are bounded,
// a grandchild holding the descriptor does not keep the wrapper from exiting.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cli, cliArgv, readEvents, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';
import { cpuTicks } from '../reliability/watch-idle.ts';

function script(body: string): string {
  const file = path.join(tempDir(), 'child.sh');
  writeFileSync(file, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  return file;
}
const safehaltCmd = () => cliArgv([]).flat().map((w) => `'${w}'`).join(' ');
const childHeartbeat = (dir: string) => readJson(path.join(dir, 'child-heartbeat.json'));
const tryChildHeartbeat = (dir: string) => {
  try {
    return childHeartbeat(dir);
  } catch {
    return null;
  }
};
const fdWarnings = (stderr: string) => stderr.split('\n').filter((l) => l.includes('SAFEHALT_FD:'));
const rssAnonKb = (pid: number) => Number(/RssAnon:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe('each report kind', () => {
  it('progress tokens A B A B ...: 82 LOOP_DETECTED', async () => {
    const dir = stateDir();
    const child = script('if [ $((SAFEHALT_ITERATION % 2)) = 0 ]; then t=B; else t=A; fi; echo "progress $t" >&$SAFEHALT_FD');
    const r = await cli(['run', '--mode', 'loop', '--state-dir', dir, '--', child]);
    expect(r.code).toBe(82);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr.reason).toBe('LOOP_DETECTED');
    expect(sr.progressTokens.slice(-6)).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
  });

  it('an unchanged progress token: 82 NO_PROGRESS', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--no-progress-after', '3', '--state-dir', dir, '--', script('echo "progress cursor-7" >&$SAFEHALT_FD')]);
    expect(r.code).toBe(82);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'NO_PROGRESS', rule: 'no-progress-after 3' });
  });

  it('cost lines add up to the budget: 81 BUDGET_EXCEEDED', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--max-cost', '10', '--state-dir', dir, '--', script('echo "cost 1.5" >&$SAFEHALT_FD; echo "cost 1.5" >&$SAFEHALT_FD')]);
    expect(r.code).toBe(81);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'BUDGET_EXCEEDED', message: 'cost budget exceeded: used 12 of 10' });
    expect(readEvents(dir).filter((e) => e.event === 'started')).toHaveLength(4);
  });

  it('begin without end, then SIGKILL of the wrapper: the next child sees SAFEHALT_INTERRUPTED_ACTION', async () => {
    const dir = stateDir();
    const seen = path.join(tempDir(), 'env');
    const first = start(['run', '--state-dir', dir, '--', script('echo "begin charge card 42" >&$SAFEHALT_FD; exec sleep 100000')]);
    await waitFor(() => tryChildHeartbeat(dir)?.action?.name === 'charge card 42', 10_000, 'the begin to be recorded');
    const child = readJson(path.join(dir, 'heartbeat.json')).childPid;
    first.proc.kill('SIGKILL');
    process.kill(-child, 'SIGKILL');
    await first.done;
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', script(`echo "$SAFEHALT_INTERRUPTED_ACTION" > ${seen}`)]);
    expect(r.code).toBe(0);
    expect(readFileSync(seen, 'utf8').trim()).toBe('charge card 42');
  });

  it('begin then end: nothing is in flight; step is shown by status; retry-after is kept as retryAfterMs', async () => {
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', script('printf "begin a\\nend\\nstep page 7 of 9\\nretry-after 2m\\n" >&$SAFEHALT_FD; exec sleep 100000')]);
    await waitFor(() => tryChildHeartbeat(dir)?.retryAfterMs === 120_000, 10_000, 'the reports');
    expect(childHeartbeat(dir)).toMatchObject({ action: null, step: 'page 7 of 9', beats: 4 });
    const status = await cli(['status', '--state-dir', dir]);
    expect(status.stdout).toContain('step "page 7 of 9"');
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('heartbeat lines keep a child alive under --stall-timeout', async () => {
    const child = script('for i in 1 2 3 4 5 6 7 8 9 10; do echo heartbeat >&$SAFEHALT_FD; sleep 0.2; done');
    const r = await cli(['run', '--mode', 'once', '--stall-timeout', '1s', '--state-dir', stateDir(), '--', child]);
    expect(r.stderr).not.toContain('no heartbeat');
    expect(r.code).toBe(0);
  });

  it('a last line without its newline may be cut off: it is ignored, with a warning', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', script('echo "progress 1" >&$SAFEHALT_FD; printf "progress 12" >&$SAFEHALT_FD')]);
    expect(r.code).toBe(0);
    expect(childHeartbeat(dir).progress).toBe('1');
    expect(fdWarnings(r.stderr)).toEqual([expect.stringContaining('a last report line without a newline was ignored: "progress 12"')]);
  });
});

describe('safehalt heartbeat and the descriptor', () => {
  it('inside the job it reports through the descriptor: the wrapper records it, under the child pid', async () => {
    const dir = stateDir();
    // `sh -c 'A; B'` forks for A: the command's parent is not the child, the wrapper's record says the child.
    const child = script(`sh -c "${safehaltCmd().replace(/'/g, '')} heartbeat --progress p1 --cost 2 --step s1 && ${safehaltCmd().replace(/'/g, '')} heartbeat --begin x; true"; sleep 0.2`);
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', child]);
    expect(r.code).toBe(0);
    const started = readEvents(dir).find((e) => e.event === 'started');
    expect(childHeartbeat(dir)).toMatchObject({ progress: 'p1', cost: 2, step: 's1', action: { name: 'x' }, pid: started.pid });
  });

  it('without a valid descriptor (unset, closed, not a pipe or socket, another job) it writes the file itself', async () => {
    const dir = stateDir();
    const other = stateDir();
    const hb = safehaltCmd();
    const body = [
      `env -u SAFEHALT_FD ${hb} heartbeat --progress unset || exit 9`,
      `SAFEHALT_FD=9 ${hb} heartbeat --cost 1 || exit 9`,
      `${hb} heartbeat --cost 1 3</dev/null || exit 9`,
      `mkdir -p ${other} && chmod 700 ${other} && ${hb} heartbeat --state-dir ${other} --step elsewhere || exit 9`,
    ].join('\n');
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', script(body)]);
    expect(r.code).toBe(0);
    expect(childHeartbeat(dir)).toMatchObject({ progress: 'unset', cost: 2, beats: 3 });
    expect(childHeartbeat(other)).toMatchObject({ step: 'elsewhere' });
  });
});

describe('bounds', () => {
  it('garbage lines warn, at most once per 10 s with a count, and the job carries on', async () => {
    const dir = stateDir();
    const body = 'for i in $(seq 1000); do echo "nonsense $i" >&$SAFEHALT_FD; done; head -c 1000000 /dev/urandom >&$SAFEHALT_FD; echo >&$SAFEHALT_FD; echo "progress ok" >&$SAFEHALT_FD';
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', script(body)]);
    expect(r.code).toBe(0);
    const warned = fdWarnings(r.stderr);
    expect(warned.length).toBeGreaterThanOrEqual(1);
    expect(warned.length).toBeLessThanOrEqual(3);
    expect(warned[0]).toContain('unknown report');
    expect(r.stderr).toMatch(/\d+ more bad report lines were ignored/);
    expect(childHeartbeat(dir).progress).toBe('ok');
  });

  it('a 100 MB flood: the wrapper stays small, cheap and responsive, and SIGTERM ends it', async () => {
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', script('yes "progress x" | head -c 100000000 >&$SAFEHALT_FD; sleep 100000')]);
    await waitFor(() => tryChildHeartbeat(dir)?.progress === 'x', 20_000, 'the flood to begin');
    const pid = run.proc.pid!;
    const ticks0 = cpuTicks(pid);
    await new Promise((r) => setTimeout(r, 3000));
    // 20,000 lines a second at most: 3 s of flood cost the wrapper under a core-second.
    expect(cpuTicks(pid) - ticks0).toBeLessThan(100);
    expect(rssAnonKb(pid)).toBeLessThan(80_000);
    const t0 = Date.now();
    const status = await cli(['status', '--state-dir', dir]);
    expect(status.stdout).toContain('running');
    expect(Date.now() - t0).toBeLessThan(5000);
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    // The flood was cut off mid-line by the SIGTERM: at most that one warning.
    expect(fdWarnings(r.stderr).filter((l) => !l.includes('without a newline'))).toEqual([]);
  });

  it('a grandchild holding the descriptor (setsid sleep 300 &) does not keep a once run from exiting', async () => {
    const dir = stateDir();
    const pidFile = path.join(tempDir(), 'grandchild');
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', script(`setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $! > ${pidFile}; echo "progress done" >&$SAFEHALT_FD`)]);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    try {
      expect(r.code).toBe(0);
      expect(r.ms).toBeLessThan(5000);
      expect(alive(grandchild)).toBe(true);
      expect(childHeartbeat(dir).progress).toBe('done');
    } finally {
      process.kill(grandchild, 'SIGKILL');
    }
  });
});
