// What the writer writes, the reader accepts: a command line of 200 KiB (more than any reader bound
// of a state file) is clipped for the record, with a marker, never refused at the next start.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cli, readEvents, readJson, start, stateDir, waitFor } from '../helpers/cli.ts';
import { record } from './figures.ts';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

// Two arguments of 100 KiB each (one argument may be at most 128 KiB on Linux): 200 KiB in all.
const HUGE = ['A'.repeat(100 * 1024), 'B'.repeat(100 * 1024)];

describe('a 200 KiB command line', () => {
  it('SIGKILL of the wrapper mid-run: status and the next start read every file it left', async () => {
    const dir = stateDir();
    const a = start(['run', '--state-dir', dir, '--', 'sh', '-c', 'sleep 300', 'sh', ...HUGE]);
    cleanup.push(() => a.proc.kill('SIGKILL'));
    const child = await waitFor(() => readEvents(dir).find((e) => e.event === 'started')?.pid as number | undefined, 20_000, 'the child');
    cleanup.push(() => {
      try {
        process.kill(-child, 'SIGKILL');
      } catch {
        /* gone */
      }
    });
    // The checkpoint naming the child is written before 'started' is announced.
    a.proc.kill('SIGKILL');
    await waitFor(() => a.proc.exitCode !== null || a.proc.signalCode !== null, 10_000, 'the wrapper to die');
    process.kill(-child, 'SIGKILL'); // it holds the wrapper's stdout open
    await a.done;
    const inflight = readJson(path.join(dir, 'inflight.json'));
    const sizes = Object.fromEntries(['inflight.json', 'events.jsonl', 'heartbeat.json', 'state.json'].map((f) => [f, sizeOf(dir, f)]));
    record('record-bounds', { commandLineBytes: HUGE.join(' ').length, ...sizes });
    const st = await cli(['status', '--state-dir', dir]);
    expect(st.stderr).not.toContain('cannot be trusted');
    expect(st.code, st.stderr).toBe(0);
    const next = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(next.stderr).not.toContain('cannot be trusted');
    expect(next.code, next.stderr).toBe(0);
    expect(inflight.command.length).toBeLessThanOrEqual(4096);
    expect(inflight.command).toMatch(/\.\.\. \[\d+ more characters\]$/);
  }, 60_000);

  it('a halt: stop-reason.json and events.jsonl carry a clipped command, and status reads them', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--max-consecutive-failures', '1', '--state-dir', dir, '--', 'sh', '-c', 'exit 3', 'sh', ...HUGE]);
    expect(r.code, r.stderr.slice(0, 500)).toBe(80);
    const report = readJson(path.join(dir, 'stop-reason.json'));
    expect(JSON.stringify(report.command).length).toBeLessThan(16 * 1024);
    expect(report.command.join(' ')).toMatch(/more characters\]/);
    for (const line of readFileSync(path.join(dir, 'events.jsonl'), 'utf8').split('\n')) expect(line.length).toBeLessThanOrEqual(16 * 1024);
    const st = await cli(['status', '--json', '--state-dir', dir]);
    expect(st.code, st.stderr).toBe(80);
    expect(JSON.parse(st.stdout).events.length).toBeGreaterThan(0);
  }, 60_000);

  it('LOOP_DETECTED quoting two progress tokens of 1024 characters: the latch is read back (83, not 78)', async () => {
    const dir = stateDir();
    const child = `"$SAFEHALT_BIN" heartbeat --progress "$(printf '%01024d' $((SAFEHALT_ITERATION % 2)))"`;
    const r = await cli(['run', '--mode', 'loop', '--interval', '0', '--state-dir', dir, '--', 'sh', '-c', child]);
    expect(r.code, r.stderr).toBe(82);
    const next = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(next.stderr).not.toContain('cannot be trusted');
    expect(next.code, next.stderr).toBe(83);
  }, 60_000);
});

function sizeOf(dir: string, f: string): number | null {
  try {
    return statSync(path.join(dir, f)).size;
  } catch {
    return null;
  }
}
