// The wrapper is never a debugger target and never changed by Node's runtime variables: SIGUSR1 opens
// no inspector, NODE_OPTIONS and the other NODE_* variables do not apply to it, and the child still
// gets them unchanged. On the built executable (SAFEHALT_BIN), as a local user would try it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, readJson, start, stateDir, tempDir, waitFor, runningChild } from '../helpers/cli.ts';

const bin = process.env.SAFEHALT_BIN;

/** TCP ports the process listens on, from `ss -ltnp` (iproute2). */
function listening(pid: number): string[] {
  const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`pid=${pid},`));
}


describe.runIf(bin)('the executable and the Node runtime', () => {
  it('SIGUSR1 opens no inspector (nothing listens, the wrapper keeps supervising, nothing on stderr)', async () => {
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', 'sleep', '300']);
    const child = await runningChild(dir);
    for (let i = 0; i < 3; i++) run.proc.kill('SIGUSR1');
    await new Promise((r) => setTimeout(r, 700));
    expect(listening(run.proc.pid!)).toEqual([]);
    expect(run.stderrSoFar()).not.toMatch(/Debugger|inspector|ws:\/\//i); // also when 9229 is taken
    expect(readJson(path.join(dir, 'heartbeat.json')).childPid).toBe(child);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('SIGUSR1 over and over from the moment Node has set it up, before any code of ours: never an inspector', async () => {
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', 'sleep', '300']);
    const pid = run.proc.pid!;
    // SIGUSR1 (bit 9 of the masks) caught or blocked: the runtime has taken it over.
    const takenOver = () => {
      try {
        const st = readFileSync(`/proc/${pid}/status`, 'utf8');
        return [...st.matchAll(/^Sig(?:Blk|Cgt):\s*([0-9a-f]+)$/gm)].some((m) => (BigInt(`0x${m[1]}`) & 0x200n) !== 0n);
      } catch {
        return false;
      }
    };
    await waitFor(takenOver, 15_000, 'Node to set up SIGUSR1');
    const seen: string[] = [];
    // Through start-up and on until the child has run for a while.
    let runningFor = 0;
    for (let i = 0; i < 2000 && runningFor < 20; i++) {
      run.proc.kill('SIGUSR1');
      await new Promise((r) => setTimeout(r, 15));
      seen.push(...listening(pid));
      if (runningFor > 0 || existsSync(path.join(dir, 'heartbeat.json'))) runningFor++;
    }
    expect(seen).toEqual([]);
    run.proc.kill('SIGTERM');
    const r = await run.done;
    // Port 9229 may be taken by another process: Node then says "Starting inspector ... failed".
    expect(r.stderr).not.toMatch(/Debugger|inspector/i);
    expect(r.code).toBe(0);
  });

  it('NODE_OPTIONS=--require runs nothing inside the wrapper; the child gets NODE_OPTIONS unchanged', async () => {
    const t = tempDir();
    const mark = path.join(t, 'ran');
    const preload = path.join(t, 'x.js');
    writeFileSync(preload, `require('fs').appendFileSync(${JSON.stringify(mark)}, 'pid ' + process.pid + '\\n');\n`);
    const opts = `--require ${preload}`;
    const seen = path.join(t, 'child-env');
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'sh', '-c', `printf %s "$NODE_OPTIONS" > ${seen}`], { env: { NODE_OPTIONS: opts } });
    expect(r.code).toBe(0);
    expect(existsSync(mark)).toBe(false);
    expect(readFileSync(seen, 'utf8')).toBe(opts);
    expect((await cli(['--version'], { env: { NODE_OPTIONS: opts } })).code).toBe(0);
    expect(existsSync(mark)).toBe(false);
  });

  it('a bad NODE_OPTIONS value is not Node\'s business: no stack trace, no refusal', async () => {
    for (const v of ['--bogus', '--require /nonexistent/x.js', '--inspect=127.0.0.1:0', '"unbalanced']) {
      const r = await cli(['--version'], { env: { NODE_OPTIONS: v } });
      expect(r.code, v).toBe(0);
      expect(r.stderr, v).toBe('');
    }
  });

  it('NODE_DEBUG, NODE_V8_COVERAGE... do not apply to the wrapper; the child gets each one unchanged', async () => {
    const t = tempDir();
    const vars = { NODE_DEBUG: 'child_process,fs,timer', NODE_PENDING_DEPRECATION: '1', NODE_PATH: t, NODE_NO_WARNINGS: '1', NODE_TLS_REJECT_UNAUTHORIZED: '0' };
    const seen = path.join(t, 'child-env');
    const r = await cli(['run', '--mode', 'once', '--state-dir', stateDir(), '--', 'sh', '-c', `env > ${seen}`], { env: vars });
    expect(r.code).toBe(0);
    // NODE_DEBUG=child_process would print the child's whole environment from inside the wrapper.
    expect(r.stderr).not.toMatch(/CHILD_PROCESS|FS \d|TIMER \d/);
    const childEnv = readFileSync(seen, 'utf8').split('\n');
    for (const [k, v] of Object.entries(vars)) expect(childEnv).toContain(`${k}=${v}`);
    expect(childEnv.some((l) => l.startsWith('SAFEHALT_HELD_NODE_ENV='))).toBe(false);
  });

  it('NODE_ENV (an application convention) and NODE_EXTRA_CA_CERTS cause no re-exec', async () => {
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', 'sleep', '300'], { env: { NODE_ENV: 'production', NODE_EXTRA_CA_CERTS: '/dev/null' } });
    await runningChild(dir);
    // A re-executed wrapper has the carrier variable in its initial environment.
    expect(readFileSync(`/proc/${run.proc.pid}/environ`, 'utf8').split('\0')).not.toContain(expect.stringMatching(/^SAFEHALT_HELD_NODE_ENV=/));
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('the re-executed wrapper keeps its pid (signals reach it as before)', async () => {
    const dir = stateDir();
    const run = start(['run', '--state-dir', dir, '--', 'sleep', '300'], { env: { NODE_DEBUG: 'x' } });
    await runningChild(dir);
    expect(readJson(path.join(dir, 'heartbeat.json')).pid).toBe(run.proc.pid);
    run.proc.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });
});
