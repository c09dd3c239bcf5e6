// Planted files: each entry of the state directory's layout is checked at start, before the lock and
// before the child. A directory, a FIFO or another user's file where a state file belongs is exit 78
// naming it (one line, no "internal error"), never a child that runs and then a refusal, nor a
// foreign run.lock taken for a busy job for a minute.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, cli, stateDir, tempDir, type Result } from '../helpers/cli.ts';
import { record } from '../reliability/figures.ts';

const figures: Record<string, number> = { plantedCases: 0 };
afterAll(() => record('planted-files', figures));

const REGULAR = ['state.json', 'stop-reason.json', 'inflight.json', 'events.jsonl', 'child-heartbeat.json', 'lock-owner.json', 'items-config.json'];
const FOREIGN_UID = 54_321;

function job(): string {
  const dir = stateDir();
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

async function expectRefusedBeforeChild(dir: string, planted: string): Promise<number> {
  const marker = path.join(tempDir(), 'child-ran');
  const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'touch', marker]);
  figures.plantedCases++;
  expect(r.code, r.stderr).toBe(78);
  expect(r.stderr).toContain(path.join(dir, planted));
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(existsSync(marker), `the child ran with ${planted} planted`).toBe(false);
  return r.ms;
}

describe('a state file of the wrong type', () => {
  for (const name of REGULAR) {
    it(`${name} as a directory: 78 naming it, the child never runs`, async () => {
      const dir = job();
      mkdirSync(path.join(dir, name));
      await expectRefusedBeforeChild(dir, name);
    });
  }

  it('stop-reason.json as a FIFO: 78 naming it, the child never runs', async () => {
    const dir = job();
    execFileSync('mkfifo', [path.join(dir, 'stop-reason.json')]);
    await expectRefusedBeforeChild(dir, 'stop-reason.json');
  });

  it('run.lock as a regular file, items as a regular file: 78 naming them', async () => {
    for (const name of ['run.lock', 'items']) {
      const dir = job();
      writeFileSync(path.join(dir, name), '');
      await expectRefusedBeforeChild(dir, name);
    }
  });
});

describe("another user's file in the state directory", () => {
  it('run.lock owned by another user: 78 naming it at once, not 84 "busy" for 60 s', async () => {
    const dir = job();
    mkdirSync(path.join(dir, 'run.lock'));
    chownSync(path.join(dir, 'run.lock'), FOREIGN_UID, FOREIGN_UID);
    figures.foreignLockMs = await expectRefusedBeforeChild(dir, 'run.lock');
    expect(figures.foreignLockMs).toBeLessThan(20_000);
  });

  it('stop-reason.json owned by another user: 78 naming it before the child', async () => {
    const dir = job();
    writeFileSync(path.join(dir, 'stop-reason.json'), '{}', { mode: 0o600 });
    chownSync(path.join(dir, 'stop-reason.json'), FOREIGN_UID, FOREIGN_UID);
    await expectRefusedBeforeChild(dir, 'stop-reason.json');
  });

  it('items/ owned by another user: run refuses it (78) before the child', async () => {
    const dir = job();
    mkdirSync(path.join(dir, 'items'), { mode: 0o700 });
    chownSync(path.join(dir, 'items'), FOREIGN_UID, FOREIGN_UID);
    await expectRefusedBeforeChild(dir, 'items');
  });

  it("items/ owned by another user, the job's user runs item check: one line naming it, 78, no EACCES", async () => {
    const user = ensureUser('safehalt-proc-t');
    const base = tempDir();
    chmodSync(base, 0o755);
    const dir = path.join(base, 'job');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, user.uid, user.gid);
    mkdirSync(path.join(dir, 'items'), { mode: 0o700 });
    chownSync(path.join(dir, 'items'), FOREIGN_UID, FOREIGN_UID);
    const bin = process.env.SAFEHALT_BIN;
    expect(bin, 'these cases run the built binary (npm test sets SAFEHALT_BIN)').toBeTruthy();
    for (const action of [['check', 'item-1'], ['fail', 'item-1'], ['list']]) {
      const r = await runAs(user, bin!, ['item', ...action, '--state-dir', dir]);
      expect(r.code, r.stderr).toBe(78);
      expect(r.stderr).toContain(path.join(dir, 'items'));
      expect(r.stderr).not.toMatch(/internal error|EACCES/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

/** A second user for the cases that need one (CI is root): created once, reused. */
function ensureUser(name: string): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'ignore' });
    } catch {
      /* made meanwhile by a parallel test file */
    }
  }
  const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
  return { uid, gid };
}

/** The built binary run as `user` (setpriv: no groups of root's kept). */
function runAs(user: { uid: number; gid: number }, bin: string, args: string[]): Promise<Result> {
  const t0 = Date.now();
  const p = spawn('setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups', '--', bin, ...args], {
    env: cleanEnv({ HOME: '/nonexistent' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 })));
}
