// Disk faults under the state directory: a small tmpfs that fills up (ENOSPC), is remounted
// read-only (EROFS), or a directory the job's user cannot write (EACCES, run as nobody). The
// wrapper must say so in one line naming the file, exit 78, leave no torn file, and never keep
// starting a child whose failures it cannot record (child starts are counted outside the mount).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cleanEnv, cliArgv, readEvents, readJson, waitFor, type Result } from '../helpers/cli.ts';
import { checkStateDir } from './state-check.ts';
import { record } from './figures.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI) throw new Error('the disk-fault tests mount file systems: CI runs them as root');

const NOBODY = 65534;
// Every path here must be reachable by nobody: the base is 0755, not a 0700 mkdtemp.
let base = '';
const mounts: string[] = [];
const faults: Record<string, number> = {};
const fault = (kind: string) => (faults[kind] = (faults[kind] ?? 0) + 1);

beforeAll(() => {
  if (!isRoot) return;
  base = mkdtempSync('/tmp/safehalt-disk-');
  chmodSync(base, 0o755);
});

afterAll(() => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      /* not mounted */
    }
  }
  if (base) rmSync(base, { recursive: true, force: true });
  record('disk-faults', faults);
});

/** A fresh tmpfs of `size` with a state directory path in it, and a marker file outside it. */
function tmpfs(size: string, owner = 0) {
  const mnt = mkdtempSync(path.join(base, 'mnt-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', mnt]);
  mounts.push(mnt);
  const outside = mkdtempSync(path.join(base, 'out-'));
  chmodSync(outside, 0o777);
  const dir = path.join(mnt, 'job');
  if (owner !== 0) {
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, owner, owner);
  }
  return { mnt, dir, starts: path.join(outside, 'starts') };
}

/** Write a filler file until the file system is full, leaving `leave` bytes (0: none). */
function fill(mnt: string, leave = 0): void {
  const filler = path.join(mnt, 'filler');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    /* dd ends with ENOSPC */
  }
  if (leave > 0) execFileSync('truncate', ['-s', `-${leave}`, filler]);
}

const starts = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

/** The crash-looping child: counts its start outside the mount, says something long, fails. */
const child = (startsFile: string, noise = 0) => ['sh', '-c', `echo x >> ${startsFile}; ${noise ? `head -c ${noise} /dev/zero | tr '\\0' e >&2; echo >&2; ` : ''}exit 1`];

const loopArgs = (dir: string) => ['run', '--backoff-initial', '50ms', '--backoff-max', '50ms', '--max-consecutive-failures', '0', '--max-failures', '0', '--spike', 'none', '--heartbeat-interval', '100ms', '--state-dir', dir];

interface Run {
  done: Promise<Result>;
}

function run(args: string[], asNobody = false): Run {
  const [cmd, argv] = cliArgv(args);
  const [c, a] = asNobody ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', cmd, ...argv]] : [cmd, argv];
  const t0 = Date.now();
  const proc = spawn(c, a, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  proc.stderr!.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  return {
    done: new Promise((resolve) =>
      proc.on('close', (code, signal) => {
        clearTimeout(killer);
        resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
      }),
    ),
  };
}

/** What every disk fault must end with: exit 78, one line naming a file of the state dir and the cause. */
function expectReported(r: Result, dir: string, cause: RegExp): void {
  // The fatal line may follow a child's stderr that the fault cut short of its newline.
  const fatal = [...r.stderr.matchAll(/safehalt: (cannot write|[^\n]* cannot be (read|created|examined))[^\n]*/g)].map((m) => m[0]);
  expect(r.code, r.stderr).toBe(78);
  expect(fatal.length, r.stderr).toBeGreaterThanOrEqual(1);
  expect(fatal.at(-1)).toContain(dir);
  expect(fatal.at(-1)).toMatch(cause);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
}

/** Nothing torn: every state file parses and validates, events.jsonl holds whole lines. */
function expectIntact(dir: string) {
  const c = checkStateDir(dir);
  expect(c.temps).toEqual([]);
  return c;
}

/** Run a crash loop, wait for a few starts, inject the fault, and check what follows. */
async function faultWhileRunning(opts: { size: string; inject: (mnt: string, dir: string) => void; cause: RegExp; asNobody?: boolean; noise?: number }) {
  const t = tmpfs(opts.size, opts.asNobody ? NOBODY : 0);
  const w = run([...loopArgs(t.dir), '--', ...child(t.starts, opts.noise)], opts.asNobody);
  await waitFor(() => starts(t.starts) >= 3 && readEvents(t.dir).filter((e) => e.event === 'exited').length >= 3, 20_000, 'three runs');
  const before = readJson(path.join(t.dir, 'state.json')).failures;
  opts.inject(t.mnt, t.dir);
  const startsAtFault = starts(t.starts);
  const r = await w.done;
  expectReported(r, t.dir, opts.cause);
  // At most the run in flight when the fault came; none after the wrapper knew.
  expect(starts(t.starts) - startsAtFault).toBeLessThanOrEqual(1);
  return { t, r, before };
}

describe.skipIf(!isRoot)('disk faults', () => {
  it('ENOSPC before the start: exit 78 naming the file, no child, state.json untouched', async () => {
    const t = tmpfs('256k');
    const first = await run(['run', '--mode', 'once', '--state-dir', t.dir, '--', ...child(t.starts)]).done;
    expect(first.code).toBe(1);
    const state = readFileSync(path.join(t.dir, 'state.json'));
    fill(t.mnt);
    fault('ENOSPC');
    const r = await run(['run', '--mode', 'once', '--state-dir', t.dir, '--', ...child(t.starts)]).done;
    expectReported(r, t.dir, /disk is full/);
    expect(starts(t.starts)).toBe(1);
    expect(readFileSync(path.join(t.dir, 'state.json'))).toEqual(state);
    expectIntact(t.dir);
  });

  it('ENOSPC while running: stops within one run, exit 78, nothing torn, failures kept', async () => {
    const { t, before } = await faultWhileRunning({ size: '512k', inject: (mnt) => (fault('ENOSPC'), fill(mnt)), cause: /disk is full/ });
    expect(expectIntact(t.dir).memory!.failures).toBeGreaterThanOrEqual(before);
  });

  it.each([1024, 4096, 6000])('ENOSPC with %i bytes left, while state.json is larger: never a torn file', async (leave) => {
    const { t, before } = await faultWhileRunning({ size: '1m', inject: (mnt) => (fault('ENOSPC-partial'), fill(mnt, leave)), cause: /disk is full/, noise: 3000 });
    expect(expectIntact(t.dir).memory!.failures).toBeGreaterThanOrEqual(before);
  });

  it('EROFS: remounted read-only while running: exit 78, nothing torn', async () => {
    const remountRo = (mnt: string) => {
      fault('EROFS');
      for (let i = 0; ; i++) {
        try {
          execFileSync('mount', ['-o', 'remount,ro', mnt], { stdio: 'ignore' });
          return;
        } catch (e) {
          if (i > 50) throw e; // busy while a file is open for writing: try again
        }
      }
    };
    const { t, before } = await faultWhileRunning({ size: '512k', inject: remountRo, cause: /read-only/ });
    expect(expectIntact(t.dir).memory!.failures).toBeGreaterThanOrEqual(before);
  });

  it('the save of failure memory after --min-uptime fails (EROFS): the child is stopped, exit 78', async () => {
    const t = tmpfs('512k');
    const pid = path.join(path.dirname(t.starts), 'pid');
    // Run 1 fails (so the save at min-uptime is due); run 2, once its checkpoint is written, remounts
    // the state read-only and stays up.
    const body = `echo x >> ${t.starts}; [ $(wc -l < ${t.starts}) -ge 2 ] || exit 1; echo $$ > ${pid}; sleep 0.4; until mount -o remount,ro ${t.mnt} 2>/dev/null; do sleep 0.05; done; exec sleep 60`;
    const w = run(['run', '--min-uptime', '1s', '--backoff-initial', '10ms', '--backoff-max', '10ms', '--kill-timeout', '2s', '--state-dir', t.dir, '--', 'sh', '-c', body]);
    fault('EROFS-min-uptime');
    const r = await w.done;
    expectReported(r, t.dir, /read-only/);
    expect(r.stderr).toContain('state.json');
    expect(alive(Number(readFileSync(pid, 'utf8')))).toBe(false);
    expect(starts(t.starts)).toBe(2);
  });

  it('EROFS before the start: exit 78, no child', async () => {
    const t = tmpfs('256k');
    expect((await run(['run', '--mode', 'once', '--state-dir', t.dir, '--', ...child(t.starts)]).done).code).toBe(1);
    execFileSync('mount', ['-o', 'remount,ro', t.mnt]);
    fault('EROFS');
    const r = await run(['run', '--mode', 'once', '--state-dir', t.dir, '--', ...child(t.starts)]).done;
    expectReported(r, t.dir, /read-only/);
    expect(starts(t.starts)).toBe(1);
  });

  it('EACCES before the start (nobody, chmod 500): exit 78, no child', async () => {
    const t = tmpfs('256k', NOBODY);
    expect((await run(['run', '--mode', 'once', '--state-dir', t.dir, '--', ...child(t.starts)], true).done).code).toBe(1);
    const state = readFileSync(path.join(t.dir, 'state.json'));
    chmodSync(t.dir, 0o500);
    fault('EACCES');
    const r = await run(['run', '--mode', 'once', '--state-dir', t.dir, '--', ...child(t.starts)], true).done;
    expectReported(r, t.dir, /permission denied/);
    expect(starts(t.starts)).toBe(1);
    expect(readFileSync(path.join(t.dir, 'state.json'))).toEqual(state);
  });

  it('EACCES while running (nobody, chmod 500 mid-run): exit 78, nothing torn', async () => {
    const { t, before } = await faultWhileRunning({ size: '512k', inject: (_, dir) => (fault('EACCES'), chmodSync(dir, 0o500)), cause: /permission denied/, asNobody: true });
    execFileSync('chown', ['-R', '0:0', t.dir]); // the checks below read as root, and trust only root's files
    const c = checkStateDir(t.dir);
    expect(c.memory!.failures).toBeGreaterThanOrEqual(before);
  });

  it('a state file the job cannot read (EACCES, owned by root, mode 600): exit 78 naming it', async () => {
    const t = tmpfs('256k', NOBODY);
    expect((await run(['run', '--mode', 'once', '--state-dir', t.dir, '--', ...child(t.starts)], true).done).code).toBe(1);
    chownSync(path.join(t.dir, 'state.json'), 0, 0);
    fault('EACCES');
    const r = await run(['run', '--mode', 'once', '--state-dir', t.dir, '--', ...child(t.starts)], true).done;
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(path.join(t.dir, 'state.json'));
    expect(starts(t.starts)).toBe(1);
  });
});
