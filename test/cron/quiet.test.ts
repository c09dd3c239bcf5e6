// --quiet, like chronic: a run that succeeds prints nothing at all; one that fails, times out or
// halts prints safehalt's line first, then everything the child wrote, in order, bounded.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cliArgv, cleanEnv, stateDir } from '../helpers/cli.ts';

/** Run the binary with stdout and stderr on one pipe, as cron collects them for the mail. */
function combined(args: string[]): { code: number | null; out: string } {
  const [bin, argv] = cliArgv(args);
  const r = spawnSync('sh', ['-c', '"$@" 2>&1', 'sh', bin, ...argv], { env: cleanEnv(), encoding: 'utf8' });
  return { code: r.status, out: r.stdout };
}

const once = (dir: string, ...more: string[]) => ['run', '--mode', 'once', '--quiet', '--state-dir', dir, ...more];
const lines = (s: string) => s.replace(/ after \d+(\.\d+)?m?s/g, ' after T').split('\n').filter(Boolean);

describe('--quiet (cron)', () => {
  it('prints nothing at all when the run succeeds, though the child wrote to both streams', () => {
    const r = combined([...once(stateDir()), '--', 'sh', '-c', 'echo out; echo err >&2']);
    expect(r).toEqual({ code: 0, out: '' });
  });

  it('a failing run: safehalt\'s line first, then the child\'s stdout and stderr in order', () => {
    const r = combined([...once(stateDir()), '--', 'sh', '-c', 'echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three; exit 3']);
    expect(r.code).toBe(3);
    expect(lines(r.out)).toEqual([
      expect.stringMatching(/^safehalt\[job\]: warn: child exited with 3 after T: failure exit:3 \(1 in a row, 1 in all\)$/),
      'one',
      'two',
      'three',
    ]);
  });

  it('a run that times out prints its output after the timeout line', () => {
    const r = combined([...once(stateDir(), '--timeout', '300ms'), '--', 'sh', '-c', 'echo working; exec sleep 30']);
    expect(r.code).toBe(124);
    expect(lines(r.out)[0]).toMatch(/warn: child was killed by SIGTERM after T: failure timeout/);
    expect(lines(r.out).slice(1)).toEqual(['working']);
  });

  it('the halting run prints its output between the failure line and the HALTED line', () => {
    const dir = stateDir();
    const r = combined([...once(dir, '--max-consecutive-failures', '1'), '--', 'sh', '-c', 'echo broken >&2; exit 1']);
    expect(r.code).toBe(80);
    const l = lines(r.out);
    expect(l[0]).toMatch(/warn: child exited with 1/);
    expect(l[1]).toBe('broken');
    expect(l[2]).toMatch(/^safehalt\[job\]: error: HALTED RETRY_LIMIT_REACHED/);
    expect(l).toHaveLength(3);
  });

  it('keeps the first 64 KiB and the last 192 KiB of a huge output, with one line saying how much was cut', () => {
    // 1 MiB of numbered lines, then a last line.
    const script = 'i=0; while [ $i -lt 16384 ]; do printf "%063d\\n" $i; i=$((i+1)); done; echo the-end; exit 2';
    const r = combined([...once(stateDir()), '--', 'sh', '-c', script]);
    expect(r.code).toBe(2);
    const total = 16384 * 64 + 8;
    const kept = 64 * 1024 + 192 * 1024;
    expect(r.out).toContain(`[... ${total - kept} bytes cut]\n`);
    expect(r.out).toContain(`\n${'0'.repeat(63)}\n`); // the first line
    expect(r.out.trimEnd().endsWith('the-end')).toBe(true);
    expect(r.out.length).toBeLessThan(kept + 1000);
  });

  it('memory stays bounded: 200 MiB of output under --quiet, the wrapper peaks far below it', () => {
    const [bin, argv] = cliArgv([...once(stateDir()), '--', 'sh', '-c', 'head -c 209715200 /dev/zero; exit 1']);
    const r = spawnSync('/usr/bin/time', ['-f', 'peak-kib %M', bin, ...argv], { env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.status).toBe(1);
    const peak = Number(/peak-kib (\d+)/.exec(r.stderr)?.[1]);
    // The binary alone peaks around 60-90 MiB; 200 MiB kept would be far above 300.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(300 * 1024);
    expect(r.stdout.length + r.stderr.length).toBeLessThan(300 * 1024);
  });

  it('a daemon the child left holding the pipes does not hold up the exit', () => {
    const t0 = Date.now();
    const r = combined([...once(stateDir()), '--', 'sh', '-c', 'setsid sleep 20 & echo started; exit 1']);
    expect(r.code).toBe(1);
    expect(lines(r.out).slice(1)).toEqual(['started']);
    expect(Date.now() - t0).toBeLessThan(8000);
  });
});
