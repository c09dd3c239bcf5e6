// The one guarded signaller: never pid <= 1, never the wrapper itself, never a group the wrapper did
// not start; and nothing else in src/ sends signals (closed by construction, checked here).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOwnedGroup, ownGroup, releaseGroup, sessionAlive, signalGroup, signalSession } from '../../src/child/group-signal.ts';
import { ROOT, alive, waitFor } from '../helpers/cli.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('signalGroup', () => {
  it('refuses -1, 0, 1, the wrapper itself and NaN, even when asked to own them', () => {
    for (const pid of [-1, 0, 1, process.pid, Number.NaN, 1.5]) {
      expect(ownGroup(pid), String(pid)).toBe(false);
      expect(isOwnedGroup(pid)).toBe(false);
      expect(signalGroup(pid, 'SIGCONT')).toBe(false);
      expect(signalSession(pid, 'SIGCONT')).toBe(false);
    }
    expect(ownGroup(undefined)).toBe(false);
  });

  it('refuses a live process group that is not ours, and signals it once owned; refuses again once released', async () => {
    const p = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = p.pid!;
    const exited = new Promise((r) => p.on('exit', r));
    expect(signalGroup(pid, 'SIGKILL')).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pid)).toBe(true);
    expect(ownGroup(pid)).toBe(true);
    expect(sessionAlive(pid)).toBe(true);
    releaseGroup(pid);
    expect(signalGroup(pid, 'SIGKILL')).toBe(false);
    expect(alive(pid)).toBe(true);
    ownGroup(pid);
    expect(signalGroup(pid, 'SIGKILL')).toBe(true);
    await exited;
    await waitFor(() => !alive(pid), 5000, 'the group to be gone');
    releaseGroup(pid);
  });

  it('nothing in src/ but group-signal.ts calls process.kill', () => {
    const callers = sourceFiles(path.join(ROOT, 'src'))
      .filter((f) => /process\.kill\s*\(/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    expect(callers).toEqual(['src/child/group-signal.ts']);
  });
});
