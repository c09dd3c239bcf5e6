// Nothing but a regular file is opened, and no read is unbounded: a FIFO planted at (or swapped in
// for) events.jsonl, `--config FIFO`, `--config /dev/zero`, `--stop-file /dev/zero`: each ends in
// seconds with one line naming the file, never a hang SIGTERM cannot end, never a memory that grows.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, readEvents, start, stateDir, tempDir, waitFor, type Result } from '../helpers/cli.ts';
import { record } from '../reliability/figures.ts';

const figures: Record<string, number> = {};
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});
afterAll(() => record('non-regular-files', figures));

/** Run the binary; SIGKILL it after `ms` (a hang must fail the test, not outlive it). */
function cli(args: string[], opts: { input?: string } = {}, ms = 15_000): Promise<Result> {
  const r = start(args, opts);
  const t = setTimeout(() => r.proc.kill('SIGKILL'), ms);
  return r.done.finally(() => clearTimeout(t));
}

const mkfifo = (p: string) => execFileSync('mkfifo', ['-m', '600', p]);

function jobWithFifo(name: string): string {
  const dir = stateDir();
  mkdirSync(dir, { mode: 0o700 });
  mkfifo(path.join(dir, name));
  return dir;
}

describe('a FIFO in the state directory', () => {
  it('events.jsonl is a FIFO: run exits 78 naming it, before the child starts', async () => {
    const dir = jobWithFifo('events.jsonl');
    const marker = path.join(tempDir(), 'child-ran');
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'touch', marker]);
    figures.fifoEventsRunMs = r.ms;
    expect(r.code, r.stderr).toBe(78);
    expect(r.stderr).toContain(path.join(dir, 'events.jsonl'));
    expect(r.stderr).toMatch(/FIFO/);
    expect(existsSync(marker)).toBe(false);
  }, 30_000);

  for (const cmd of [['pause'], ['resume'], ['stop'], ['status']]) {
    it(`events.jsonl is a FIFO: ${cmd[0]} ends at once`, async () => {
      const dir = jobWithFifo('events.jsonl');
      const r = await cli([...cmd, '--state-dir', dir]);
      figures[`fifoEvents_${cmd[0]}_ms`] = r.ms;
      expect(r.ms).toBeLessThan(15_000);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      if (r.code !== 0) expect(r.stderr).toContain('events.jsonl');
    }, 30_000);
  }

  for (const name of ['heartbeat.json', 'child.heartbeat']) {
    it(`${name} is a FIFO: run, stop and pause end at once`, async () => {
      const dir = jobWithFifo(name);
      for (const cmd of [['run', '--mode', 'once', '--state-dir', dir, '--', 'true'], ['stop', '--state-dir', dir], ['pause', '--state-dir', dir]]) {
        const r = await cli(cmd);
        expect(r.ms, `${cmd[0]} with ${name} a FIFO`).toBeLessThan(15_000);
        expect(r.code, r.stderr).not.toBeNull();
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      }
    }, 60_000);
  }

  it('a FIFO swapped in for events.jsonl while the child runs: SIGTERM still ends the wrapper and the child', async () => {
    const dir = stateDir();
    const a = start(['run', '--kill-timeout', '2s', '--state-dir', dir, '--', 'sleep', '300']);
    cleanup.push(() => a.proc.kill('SIGKILL'));
    const child = await waitFor(() => readEvents(dir).find((e) => e.event === 'started')?.pid as number | undefined, 20_000, 'the child');
    rmSync(path.join(dir, 'events.jsonl'));
    mkfifo(path.join(dir, 'events.jsonl'));
    const t0 = Date.now();
    a.proc.kill('SIGTERM');
    const r = await a.done;
    figures.fifoSwappedSigtermMs = Date.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    expect(alive(child)).toBe(false);
    expect(r.stderr).toContain('events.jsonl');
  }, 60_000);
});

describe('files named on the command line', () => {
  it('--config FIFO: exit 64 naming it, no hang', async () => {
    const fifo = path.join(tempDir(), 'config.json');
    mkfifo(fifo);
    const r = await cli(['run', '--config', fifo, '--state-dir', stateDir(), '--', 'true']);
    figures.configFifoMs = r.ms;
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toContain(fifo);
    expect(r.stderr).toMatch(/FIFO, not a regular file/);
  }, 30_000);

  it('--config /dev/zero: exit 64 at once, nothing read', async () => {
    const r = await cli(['run', '--config', '/dev/zero', '--state-dir', stateDir(), '--', 'true']);
    figures.configDevZeroMs = r.ms;
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toMatch(/\/dev\/zero: is a character device/);
  }, 30_000);

  it('--config of 2 MiB: refused for its size', async () => {
    const file = path.join(tempDir(), 'big.json');
    writeFileSync(file, `{"mode": "loop", "x": "${'x'.repeat(2 * 1024 * 1024)}"}`);
    const r = await cli(['run', '--config', file, '--state-dir', stateDir(), '--', 'true']);
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toMatch(/larger than 1048576 bytes/);
  }, 30_000);

  it('--stop-file /dev/zero: present, so the child is not started; nothing is read from it', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'once', '--stop-file', '/dev/zero', '--state-dir', dir, '--', 'true']);
    figures.stopFileDevZeroMs = r.ms;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('/dev/zero');
  }, 30_000);

  it('item filter --content-hashes FIFO: exit 64, no hang', async () => {
    const fifo = path.join(tempDir(), 'hashes');
    mkfifo(fifo);
    const r = await cli(['item', 'filter', '--content-hashes', fifo, '--state-dir', stateDir()], { input: 'a\n' });
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toContain(fifo);
  }, 30_000);
});
