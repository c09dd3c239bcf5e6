// --stall-timeout: a child that gives no heartbeat is ended and its failure is classed `stalled`;
// touching $SAFEHALT_HEARTBEAT_FILE or running `safehalt heartbeat` keeps it alive.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, cliArgv, fixture, readEvents, readJson, stateDir, tempDir } from '../helpers/cli.ts';

function script(body: string): string {
  const file = path.join(tempDir(), 'child.sh');
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** `safehalt` as a shell command line, for a child script to call. */
const safehaltCmd = () => cliArgv([]).flat().map((w) => `'${w}'`).join(' ');

describe('stall detection', () => {
  it('a silent child is stopped after the timeout and the failure is classed stalled', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--stall-timeout', '500ms', '--max-consecutive-failures', '1', '--state-dir', dir, '--', fixture('forever.sh')]);
    expect(r.code).toBe(80);
    expect(r.stderr).toMatch(/warn: the child \(pid \d+\) gave no heartbeat for 5\d\dms \(--stall-timeout 500ms\): stopping it/);
    expect(r.stderr).toMatch(/failure stalled \(1 in a row/);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr.recentFailures[0]).toMatchObject({ class: 'stalled', signal: 'SIGTERM' });
    expect(sr.recentFailures[0].durationMs).toBeGreaterThanOrEqual(500);
    expect(sr.recentFailures[0].durationMs).toBeLessThan(1500);
    expect(readEvents(dir).some((e) => e.event === 'stalled')).toBe(true);
  });

  it('a stalled child that ignores SIGTERM is killed after --kill-timeout', async () => {
    const dir = stateDir();
    const pids = path.join(tempDir(), 'pids');
    const r = await cli(['run', '--stall-timeout', '300ms', '--kill-timeout', '300ms', '--max-consecutive-failures', '1', '--state-dir', dir, '--', fixture('ignore-term.sh'), pids]);
    expect(r.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json')).recentFailures[0]).toMatchObject({ class: 'stalled', signal: 'SIGKILL' });
  });

  it('touching $SAFEHALT_HEARTBEAT_FILE keeps the child alive', async () => {
    const child = script('for i in 1 2 3 4 5 6 7 8 9 10; do touch "$SAFEHALT_HEARTBEAT_FILE"; sleep 0.15; done');
    const r = await cli(['run', '--mode', 'once', '--stall-timeout', '500ms', '--state-dir', stateDir(), '--', child]);
    expect(r.stderr).not.toContain('no heartbeat');
    expect(r.code).toBe(0);
  });

  it('`safehalt heartbeat` keeps the child alive', async () => {
    // The run outlasts the timeout; no gap between heartbeats does (a start of the CLI included).
    const child = script(`${safehaltCmd()} heartbeat --step "step 1" || exit 9; sleep 1.5; ${safehaltCmd()} heartbeat --step "step 2" || exit 9; sleep 3.5`);
    const dir = stateDir();
    const t0 = Date.now();
    const r = await cli(['run', '--mode', 'once', '--stall-timeout', '5s', '--state-dir', dir, '--', child]);
    expect(Date.now() - t0).toBeGreaterThan(5000);
    expect(r.stderr).not.toContain('no heartbeat');
    expect(r.code).toBe(0);
    expect(readJson(path.join(dir, 'child-heartbeat.json'))).toMatchObject({ step: 'step 2', beats: 2 });
  });

  it('the clock starts afresh with each child: an old pulse does not count against the next one', async () => {
    // Iteration 1 beats once and ends; the pulse is 800ms old when iteration 2 runs 300ms silently.
    const child = script('[ "$SAFEHALT_ITERATION" = 1 ] && touch "$SAFEHALT_HEARTBEAT_FILE"; sleep 0.3');
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--interval', '800ms', '--max-iterations', '2', '--stall-timeout', '500ms', '--state-dir', dir, '--', child]);
    expect(r.code).toBe(0);
    expect(readEvents(dir).filter((e) => e.event === 'stalled')).toEqual([]);
    expect(readJson(path.join(dir, 'stop-reason.json')).reason).toBe('COMPLETED');
  });

  it('without --stall-timeout a silent child runs on', async () => {
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'sleep', '1']);
    expect(r.code).toBe(0);
  });
});
