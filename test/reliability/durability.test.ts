// What "durable" means, seen from the system calls of the built binary: every durable write
// fsyncs the file before the rename and the directory after it (a rename not yet on disk is lost
// at a power cut, leaving the old file or none). strace is in .ci/run's packages.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, cliArgv, stateDir, tempDir } from '../helpers/cli.ts';

const hasStrace = spawnSync('strace', ['-V']).status === 0;
if (!hasStrace && process.env.CI) throw new Error('strace is needed (.ci/run installs it)');

/** The system calls of one once-mode run: openat, fsync, rename*, close, with -f over threads. */
function trace(dir: string, run: string[] = ['--', 'true']): string[] {
  const out = path.join(tempDir(), 'trace');
  const [cmd, argv] = cliArgv(['run', '--mode', 'once', '--state-dir', dir, ...run]);
  spawnSync('strace', ['-f', '-qq', '-o', out, '-e', 'trace=openat,fsync,fdatasync,rename,renameat,renameat2,close', cmd, ...argv], { env: cleanEnv(), stdio: 'ignore' });
  return readFileSync(out, 'utf8').split('\n').map((l) => l.replace(/^\d+\s+/, ''));
}

describe.skipIf(!hasStrace)('durable writes', () => {
  it.each(['state.json', 'stop-reason.json'])('%s: fsync of the file before rename, of the directory after it', (file) => {
    const dir = stateDir();
    const lines = trace(dir);
    const target = path.join(dir, file);
    const renames = lines.map((l, i) => [l, i] as const).filter(([l]) => /^rename/.test(l) && l.includes(`"${target}"`));
    expect(renames.length, lines.join('\n')).toBeGreaterThanOrEqual(1);
    for (const [, at] of renames) {
      // The directory is opened after the rename, and that descriptor is fsynced before it is closed.
      const rest = lines.slice(at + 1);
      const open = rest.findIndex((l) => l.includes(`"${dir}"`) && l.includes('O_DIRECTORY') && /= \d+$/.test(l));
      expect(open, `no open of ${dir} after the rename of ${file}`).toBeGreaterThanOrEqual(0);
      const fd = /= (\d+)$/.exec(rest[open])![1];
      const synced = rest.slice(open + 1).find((l) => l.startsWith(`fsync(${fd})`) || l.startsWith(`close(${fd})`));
      expect(synced, `directory fd ${fd} closed without fsync`).toMatch(/^fsync/);
    }
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('the directory of a durable write is fsynced once, not once more for nothing', () => {
    const dir = stateDir();
    const lines = trace(dir);
    const dirFds = new Set<string>();
    let dirSyncs = 0;
    let fileSyncs = 0;
    for (const l of lines) {
      if (l.startsWith('openat') && l.includes(`"${dir}"`) && l.includes('O_DIRECTORY')) dirFds.add(/= (\d+)$/.exec(l)?.[1] ?? '');
      const closed = /^close\((\d+)\)/.exec(l)?.[1];
      if (closed) dirFds.delete(closed);
      const fd = /^fsync\((\d+)\)/.exec(l)?.[1];
      if (fd && dirFds.has(fd)) dirSyncs++;
      else if (fd) fileSyncs++;
    }
    expect(fileSyncs, lines.join('\n')).toBeGreaterThanOrEqual(2);
    expect(dirSyncs, lines.join('\n')).toBe(fileSyncs);
  });
});

describe.skipIf(!hasStrace)('what must survive a power cut', () => {
  it('a latched halt: state.json is fsynced, and its directory, before anything else is renamed', () => {
    const dir = stateDir();
    const lines = trace(dir, ['--max-consecutive-failures', '1', '--', 'false']);
    const target = path.join(dir, 'state.json');
    const renames = lines.map((l, i) => [l, i] as const).filter(([l]) => /^rename/.test(l));
    const last = renames.filter(([l]) => l.includes(`"${target}"`)).at(-1);
    expect(last, lines.join('\n')).toBeDefined();
    // The temp file was fsynced before its rename: the fsync just before names a descriptor of it.
    const before = lines.slice(0, last![1]).reverse();
    const tmp = /^rename\w*\((?:AT_FDCWD, )?"([^"]+)"/.exec(last![0])![1];
    const tmpFd = /= (\d+)$/.exec(before.find((l) => l.startsWith('openat') && l.includes(`"${tmp}"`))!)![1];
    expect(before.findIndex((l) => l.startsWith(`fsync(${tmpFd})`))).toBeLessThan(before.findIndex((l) => l.startsWith('openat') && l.includes(`"${tmp}"`)));
    // After it, the directory is opened and fsynced before the next rename of any file.
    const next = renames.find(([, i]) => i > last![1])?.[1] ?? lines.length;
    const rest = lines.slice(last![1] + 1, next);
    const open = rest.findIndex((l) => l.includes(`"${dir}"`) && l.includes('O_DIRECTORY') && /= \d+$/.test(l));
    expect(open, 'the directory was not opened after the rename').toBeGreaterThanOrEqual(0);
    const fd = /= (\d+)$/.exec(rest[open])![1];
    expect(rest.slice(open + 1).some((l) => l.startsWith(`fsync(${fd})`))).toBe(true);
  });
});
