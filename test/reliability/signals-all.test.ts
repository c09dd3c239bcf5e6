// Every catchable signal whose default action would end the wrapper (man 7 signal) stops the child
// first and records SIGNAL; the forwarded ones reach the child's group; none is fatal. A reader of
// stderr that goes away (`2>&1 | head -1`, journald restarted) is never fatal either.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORWARDED_SIGNALS, STOP_SIGNALS } from '../../src/signals/signal-table.ts';
import { alive, cleanEnv, cliArgv, groupMembers, readJson, start, stateDir, tempDir, waitFor, runningChild } from '../helpers/cli.ts';


describe('every signal that could end the wrapper', () => {
  it('the table covers every catchable signal whose default action terminates', () => {
    // man 7 signal: "Term" and "Core", less SIGKILL/SIGSTOP and the synchronous faults.
    const terminating = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTRAP', 'SIGABRT', 'SIGUSR2', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGIO', 'SIGPWR', 'SIGSYS'];
    expect([...STOP_SIGNALS, ...FORWARDED_SIGNALS].sort()).toEqual(terminating.sort());
  });

  it.each(STOP_SIGNALS.filter((s) => s !== 'SIGTERM' && s !== 'SIGINT'))('%s: the child is stopped, exit 0, stop reason SIGNAL', async (sig) => {
    const dir = stateDir();
    const run = start(['run', '--kill-timeout', '5s', '--state-dir', dir, '--', 'sh', '-c', 'sleep 300 & wait']);
    const child = await runningChild(dir);
    run.proc.kill(sig);
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.signal).toBe(null);
    const report = readJson(path.join(dir, 'stop-reason.json'));
    expect(report).toMatchObject({ reason: 'SIGNAL', exitCode: 0 });
    expect(report.message).toContain(`${sig} received`);
    expect(alive(child)).toBe(false);
    expect(groupMembers(child)).toEqual([]);
  });

  it.each(FORWARDED_SIGNALS)('%s is passed on to the child group; the wrapper keeps supervising', async (sig) => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'got');
    const name = sig.slice(3);
    const run = start(['run', '--state-dir', dir, '--', 'sh', '-c', `trap 'echo ${name} >> ${marker}' ${name}; while :; do sleep 0.05; done`]);
    const child = await runningChild(dir);
    run.proc.kill(sig);
    await waitFor(() => existsSync(marker), 10_000, `the child to get ${sig}`);
    expect(readFileSync(marker, 'utf8')).toBe(`${name}\n`);
    expect(readJson(path.join(dir, 'heartbeat.json')).childPid).toBe(child);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('SIGUSR1 is ignored: the wrapper and its child keep running, the child is not signalled', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'got');
    const run = start(['run', '--state-dir', dir, '--', 'sh', '-c', `trap 'echo USR1 >> ${marker}' USR1; while :; do sleep 0.05; done`]);
    const child = await runningChild(dir);
    run.proc.kill('SIGUSR1');
    await new Promise((r) => setTimeout(r, 800));
    expect(run.proc.exitCode).toBe(null);
    expect(existsSync(marker)).toBe(false);
    expect(readJson(path.join(dir, 'heartbeat.json')).childPid).toBe(child);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });
});

describe('a broken log stream', () => {
  it('stderr closed by its reader (EPIPE): the wrapper keeps supervising, then stops cleanly', async () => {
    const dir = stateDir();
    const [cmd, argv] = cliArgv(['run', '--state-dir', dir, '--', 'sh', '-c', 'while :; do echo tick >&2; sleep 0.05; done']);
    const proc = spawn(cmd, argv, { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<[number | null, string | null]>((r) => proc.on('exit', (c, s) => r([c, s])));
    // Read the first line, then go away, as `| head -1` does.
    await new Promise((r) => proc.stderr!.once('data', r));
    proc.stderr!.destroy();
    const child = await runningChild(dir);
    await new Promise((r) => setTimeout(r, 1500)); // the child keeps writing through the wrapper
    expect(proc.exitCode).toBe(null);
    expect(readJson(path.join(dir, 'heartbeat.json')).childPid).toBe(child);
    proc.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'SIGNAL', exitCode: 0 });
    expect(alive(child)).toBe(false);
  });
});
