// sessionMembers with the fork count read before the leader was forked: a process of the session
// outside the leader's group (a `set -m` job) is found, and a leader alone costs no /proc scan but
// gives the same answer. Real processes.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { forkCount, sessionMembers } from '../../src/child/proc.ts';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** A session leader running `script` in bash, in its own session; resolves once it printed "ready". */
function leader(script: string): Promise<{ pid: number; forksBefore: number }> {
  const forksBefore = forkCount()!;
  // detached: the child calls setsid(), so bash leads a session of its own (sid = its pid).
  const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  started.push(child.pid!);
  return new Promise((resolve) => child.stdout.once('data', () => resolve({ pid: child.pid!, forksBefore })));
}

describe('sessionMembers', () => {
  it('finds a job of the session in a group of its own (set -m), with the fork count given', async () => {
    const { pid, forksBefore } = await leader('set -m; sleep 30 & echo ready; wait');
    const members = sessionMembers(pid, forksBefore);
    expect(members).toHaveLength(1);
    expect(members).toEqual(sessionMembers(pid, null));
  });

  it('a leader that forked nothing: none, as the full scan says', async () => {
    const { pid, forksBefore } = await leader('echo ready; exec sleep 30');
    expect(sessionMembers(pid, forksBefore)).toEqual([]);
    expect(sessionMembers(pid, null)).toEqual([]);
  });

  // A counter that did not count the leader's own fork (stuck, virtualised, gone backwards) is not
  // trusted: it must never make the scan skip a process of the session.
  it('a fork count that went backwards: the full scan still finds the job', async () => {
    const { pid } = await leader('set -m; sleep 30 & echo ready; wait');
    expect(sessionMembers(pid, forkCount()! + 1000)).toHaveLength(1);
  });
});
