// The guarded group signal: pid 1 and below are never signalled; a real group is; a gone one is not an error.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { signalGroup } from '../../src/child/signal-group.ts';
import { ownGroup } from '../../src/child/group-signal.ts';

describe('signalGroup', () => {
  it.each([1, 0, -1, -4242, 1.5, Number.NaN])('refuses pid %s without sending anything', (pid) => {
    expect(signalGroup(pid, 'SIGCONT')).toBe(false);
  });

  it('signals a real process group, and says false once it is gone', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const exited = new Promise<string | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    // Only a group this process registered as its own is signalled (src/child/group-signal.ts).
    expect(signalGroup(child.pid!, 'SIGTERM')).toBe(false);
    expect(ownGroup(child.pid!)).toBe(true);
    expect(signalGroup(child.pid!, 'SIGTERM')).toBe(true);
    expect(await exited).toBe('SIGTERM');
    expect(signalGroup(child.pid!, 'SIGTERM')).toBe(false);
  });
});
