// SIGHUP to the wrapper is forwarded to the child's group, never to PID 1. A command that cannot be
// started leaves no child pid (-1 inside the wrapper); forwarding to it as to a group
// (process.kill(-pid)) was kill(1, SIGHUP): a reload of systemd, or the end of a container's init.
// The test runs the wrapper in a private PID namespace whose PID 1 (a small Node script) counts the
// SIGHUPs it receives while it sends a stream of them to the wrapper.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliArgv, cleanEnv, tempDir } from '../helpers/cli.ts';

const INIT = String.raw`
const { spawn } = require('node:child_process');
let hups = 0;
process.on('SIGHUP', () => hups++);
const [bin, ...args] = JSON.parse(process.argv[2]);
const w = spawn(bin, args, { stdio: ['ignore', 'ignore', 'ignore'] });
setTimeout(() => {
  let sent = 0;
  const t = setInterval(() => { try { process.kill(w.pid, 'SIGHUP'); sent++; } catch {} }, 2);
  setTimeout(() => {
    clearInterval(t);
    w.kill('SIGTERM');
    w.on('exit', (code) => { console.log(JSON.stringify({ sent, hups, code })); process.exit(0); });
  }, 3000);
}, 1500);
`;

describe('SIGHUP forwarding', () => {
  it('never signals PID 1 while the command cannot be started', () => {
    const dir = tempDir();
    const script = path.join(dir, 'init.cjs');
    writeFileSync(script, INIT);
    const [bin, args] = cliArgv(['run', '--state-dir', path.join(dir, 'job'), '--backoff-initial', '1ms', '--backoff-max', '1ms', '--backoff-jitter', '0',
      '--max-consecutive-failures', '0', '--max-failures', '0', '--spike', 'none', '--', path.join(dir, 'no-such-command')]);
    const r = spawnSync('unshare', ['-pf', '--mount-proc', process.execPath, script, JSON.stringify([bin, ...args])], { env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { sent: number; hups: number; code: number };
    expect(out.sent).toBeGreaterThan(100);
    expect(out.hups).toBe(0);
    expect(out.code).toBe(0);
  });
});
