// The job's lock under faults: a wrapper killed between taking the lock and recording itself as its
// owner, a live contender in that same gap, owners on another machine or from an earlier boot, and
// 20 concurrent runs of one job.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, start, stateDir, tempDir, waitFor, readJson, alive } from '../helpers/cli.ts';
import { procStartTime, pidNamespace } from '../../src/child/proc.ts';
import { currentBootId } from '../../src/state/system-clock.ts';

function prepared(): string {
  const dir = stateDir();
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/** A lock directory as proper-lockfile leaves it, fresh (mtime now). */
const takeLock = (dir: string) => mkdirSync(path.join(dir, 'run.lock'));

function ownerRecord(dir: string, fields: Record<string, unknown>) {
  const st = statSync(path.join(dir, 'run.lock'));
  const rec = { pid: 999_999, startTime: '1', boot: currentBootId(), pidns: pidNamespace(), lockIno: st.ino, lockBirth: st.birthtimeMs, ...fields };
  writeFileSync(path.join(dir, 'lock-owner.json'), JSON.stringify(rec), { mode: 0o600 });
}

function sleeper() {
  const p = spawn('sleep', ['30'], { stdio: 'ignore' });
  return { pid: p.pid!, startTime: procStartTime(p.pid!), stop: () => p.kill('SIGKILL') };
}

describe('the lock after a crash', () => {
  it('a wrapper killed after taking the lock but before recording itself: the lock is taken over at once', async () => {
    const dir = prepared();
    // An owner record left by an earlier run, for another lock directory, and no claim of a live process.
    takeLock(dir);
    ownerRecord(dir, { lockIno: 1, lockBirth: 1 });
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.stderr).not.toContain('busy');
    expect(r.code).toBe(0);
  });

  it('... and also when no owner was ever recorded', async () => {
    const dir = prepared();
    takeLock(dir);
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(0);
  });

  it('a live wrapper in that gap (its claim names a live process) is never overridden', async () => {
    const dir = prepared();
    const live = sleeper();
    try {
      writeFileSync(path.join(dir, `lock-claim.${live.pid}.json`), JSON.stringify({ pid: live.pid, startTime: live.startTime, boot: currentBootId(), pidns: pidNamespace() }), { mode: 0o600 });
      takeLock(dir);
      const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
      expect(r.code).toBe(84);
    } finally {
      live.stop();
    }
  });

  it('a live owner is never overridden; a dead one is taken over at once', async () => {
    const dir = prepared();
    const live = sleeper();
    try {
      takeLock(dir);
      ownerRecord(dir, { pid: live.pid, startTime: live.startTime });
      expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(84);
    } finally {
      live.stop();
    }
    await waitFor(() => !alive(live.pid), 5000, 'the sleeper to die');
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(0);
  });

  it('an owner on another machine (shared volume) is trusted until its lock is stale', async () => {
    const dir = prepared();
    takeLock(dir);
    ownerRecord(dir, { host: 'another-machine.example', boot: 'another-boot-id' });
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(84);
  });

  it('an owner of this machine from before a reboot is dead: taken over at once', async () => {
    const dir = prepared();
    takeLock(dir);
    const os = await import('node:os');
    ownerRecord(dir, { host: os.hostname(), boot: 'an-earlier-boot' });
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(0);
  });
});

describe('20 concurrent runs of one job', () => {
  it('exactly one runs the child; the others exit 84', { timeout: 120_000 }, async () => {
    const dir = stateDir();
    const tmp = tempDir();
    const marks = path.join(tmp, 'starts');
    const release = path.join(tmp, 'release');
    // The child runs until every other run has ended, so none of them could have come after it.
    const child = `echo $$ >> ${marks}; while [ ! -e ${release} ]; do sleep 0.05; done`;
    let ended = 0;
    const runs = Array.from({ length: 20 }, () =>
      start(['run', '--mode', 'once', '--state-dir', dir, '--', 'sh', '-c', child]).done.then((r) => (ended++, r)),
    );
    await waitFor(() => ended >= 19, 90_000, '19 runs to end').catch(() => undefined);
    writeFileSync(release, '');
    const results = await Promise.all(runs);
    const codes = results.map((r) => r.code).sort((a, b) => a! - b!);
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.filter((c) => c === 84)).toHaveLength(19);
    expect(readFileSync(marks, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(dir, 'run.lock'))).toBe(false);
    expect(readJson(path.join(dir, 'state.json')).runs).toBe(1);
  });
});
