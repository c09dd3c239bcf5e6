// sd_notify against a real AF_UNIX datagram socket: the exact messages, their sender, the watchdog
// cadence, and pings that stop while the child is stalled.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, fixture, readEvents, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';
import { notifySocket, pings, withoutPings, type NotifySocket } from '../helpers/notify-socket.ts';

let sock: NotifySocket | null = null;
afterEach(() => sock?.close());

const asRoot = process.getuid?.() === 0;
// .ci/run installs systemd-notify where it is missing; elsewhere these tests need it on PATH.
const canNotify = spawnSync('systemd-notify', ['--version']).status === 0 && spawnSync('python3', ['--version']).status === 0;
const itNotify = it.skipIf(!canNotify && !process.env.CI);

function script(body: string): string {
  const file = path.join(tempDir(), 'child.sh');
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('sd_notify', () => {
  itNotify('READY=1 with the first child, STATUS= at each transition, STOPPING=1 on SIGTERM, all from the main pid', async () => {
    sock = await notifySocket();
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', fixture('forever.sh')], { env: { NOTIFY_SOCKET: sock.path } });
    await waitFor(() => sock!.messages.length > 0, 10_000, 'READY=1');
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    await waitFor(() => sock!.messages.some((m) => m.text.includes('STATUS=stopped')), 5000, 'the last STATUS');
    const pid = run.proc.pid!;
    const child = readEvents(dir).find((e) => e.event === 'started').pid;
    // systemd-notify --pid adds MAINPID= and, as root, sends with our pid as the credentials.
    expect(sock.messages[0].text).toBe(`MAINPID=${pid}\nREADY=1\nSTATUS=running iteration 1 (pid ${child})`);
    for (const m of sock.messages) {
      expect(m.fields).toContain(`MAINPID=${pid}`);
      if (asRoot) expect(m.pid).toBe(pid);
    }
    const rest = withoutPings(sock.messages).slice(1);
    // Separate datagrams, or one when the second transition came while the first was being sent.
    expect([
      [['STATUS=stopping: SIGNAL', 'STOPPING=1'], ['STATUS=stopped: SIGNAL']],
      [['STATUS=stopped: SIGNAL', 'STOPPING=1']],
    ]).toContainEqual(rest);
    expect(sock.barriers).toBe(sock.messages.length);
  });

  itNotify('a safe halt: STATUS names the reason and the resume command, then STOPPING=1', async () => {
    sock = await notifySocket();
    const dir = stateDir();
    const r = await cli(['run', '--backoff-initial', '10ms', '--backoff-max', '20ms', '--state-dir', dir, '--', fixture('flaky-db.sh')], { env: { NOTIFY_SOCKET: sock.path } });
    expect(r.code).toBe(80);
    const all = withoutPings(sock.messages);
    expect(all[0]).toEqual(['READY=1', expect.stringMatching(/^STATUS=running iteration 1 \(pid \d+\)$/)]);
    expect(all.at(-1)).toEqual([
      `STATUS=HALTED FAILURE_SPIKE: 3 transport failures within 2m (limit 3); to resume: safehalt resume --state-dir ${dir} --reason "what was fixed"`,
      'STOPPING=1',
    ]);
    const statuses = all.flat().filter((f) => f.startsWith('STATUS='));
    for (const s of statuses.slice(1, -1))
      expect(s).toMatch(/^STATUS=(running iteration [23] \(pid \d+\); [12] failures? in a row, [12] in all \(last: transport\)|backoff: restarting in \d+ms; [12] failures? in a row, [12] in all \(last: transport\))$/);
    expect(all.flat().filter((f) => f === 'READY=1')).toHaveLength(1);
    expect(all.flat().filter((f) => f === 'STOPPING=1')).toHaveLength(1);
  });

  itNotify('WATCHDOG=1 every WATCHDOG_USEC/2 while the child runs', async () => {
    sock = await notifySocket();
    const run = start(['run', '--state-dir', stateDir(), '--', fixture('forever.sh')], { env: { NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '300000' } });
    await waitFor(() => pings(sock!.messages).length >= 14, 15_000, '14 watchdog pings');
    run.proc.kill('SIGTERM');
    await run.done;
    const times = pings(sock.messages).map((m) => m.t);
    const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)];
    expect(median).toBeGreaterThan(120);
    expect(median).toBeLessThan(190);
    expect(gaps[0]).toBeGreaterThan(60);
    for (const m of pings(sock.messages)) expect(m.fields).toEqual([`MAINPID=${run.proc.pid}`, 'WATCHDOG=1']);
  });

  itNotify('no pings when WATCHDOG_PID names another process', async () => {
    sock = await notifySocket();
    const run = start(['run', '--state-dir', stateDir(), '--', fixture('forever.sh')], { env: { NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '200000', WATCHDOG_PID: '1' } });
    await waitFor(() => sock!.messages.length > 0, 10_000, 'READY=1');
    await new Promise((r) => setTimeout(r, 800));
    run.proc.kill('SIGTERM');
    await run.done;
    expect(pings(sock.messages)).toHaveLength(0);
  });

  itNotify('pings stop while the child is stalled and come back with the next child', async () => {
    sock = await notifySocket();
    const dir = stateDir();
    // Iteration 1 beats for 0.6s, then goes silent and ignores SIGTERM; iteration 2 beats on.
    const child = script(`trap '' TERM
i=0
while [ "$SAFEHALT_ITERATION" != 1 ] || [ $i -lt 3 ]; do touch "$SAFEHALT_HEARTBEAT_FILE"; i=$((i+1)); sleep 0.2; done
while :; do sleep 0.05; done`);
    const args = ['run', '--stall-timeout', '1s', '--kill-timeout', '1s', '--backoff-initial', '100ms', '--state-dir', dir, '--', child];
    const run = start(args, { env: { NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '200000' } });
    const at = (re: RegExp) => sock!.messages.find((m) => m.fields.some((f) => re.test(f)));
    await waitFor(() => at(/^STATUS=running iteration 2/), 15_000, 'iteration 2');
    await waitFor(() => pings(sock!.messages).some((p) => p.t > at(/^STATUS=running iteration 2/)!.t), 5000, 'pings again');
    run.proc.kill('SIGTERM');
    await run.done;
    const stalled = at(/^STATUS=stalled: no heartbeat from iteration 1 \(pid \d+\); stopping it$/)!;
    const backoff = at(/^STATUS=backoff: /)!;
    const t = pings(sock.messages).map((m) => m.t);
    expect(t.some((x) => x < stalled.t)).toBe(true);
    // Silent from the stall until the child is gone (SIGKILL after --kill-timeout 1s).
    expect(t.filter((x) => x > stalled.t && x < backoff.t)).toEqual([]);
    expect(backoff.t - stalled.t).toBeGreaterThan(800);
    expect(readJson(path.join(dir, 'state.json')).classCounts).toEqual({ stalled: 1 });
  });

  it('without systemd-notify on PATH: one warning, and the job runs as usual', async () => {
    sock = await notifySocket();
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', fixture('exit-n.sh'), '0'], { env: { NOTIFY_SOCKET: sock.path, PATH: '/nonexistent' } });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/systemd-notify was not found/g)).toHaveLength(1);
    expect(sock.messages).toHaveLength(0);
  });
});
