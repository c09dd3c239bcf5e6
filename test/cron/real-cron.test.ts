// cron, for real: Debian's cron daemon (clock sped up 30 times: a tick every 2 s) runs a crontab of
// `safehalt run --mode once --quiet`, and a sendmail stand-in captures what cron mails. 8 ticks:
// 2 succeed (no mail), 3 fail (a mail each: safehalt's line, then the child's output; the third is
// the halt), the latched refusal (one mail), 2 more refusals (no mail).
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, readEvents, tempDir, waitFor } from '../helpers/cli.ts';

const NEEDS = ['/usr/sbin/cron', '/usr/sbin/sendmail', '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/bin/unshare'];
const missing = NEEDS.filter((f) => !existsSync(f));
const root = process.getuid?.() === 0;
// CI installs cron, msmtp-mta and faketime (.ci/run) and runs as root: there, this never skips.
if (process.env.CI && (missing.length || !root)) throw new Error(`the real cron test needs root and ${missing.join(', ')} (see .ci/run)`);
const bin = process.env.SAFEHALT_BIN;

let cronPid: number | null = null;
afterAll(() => {
  if (cronPid) process.kill(cronPid, 'SIGTERM');
});

/** Mail bodies (headers dropped), joined, with times, durations and the temp dir made stable. */
function bodies(mailFile: string, dir: string): string[] {
  const text = existsSync(mailFile) ? readFileSync(mailFile, 'utf8') : '';
  return text
    .split(/^=== sendmail .*\n/m)
    .filter(Boolean)
    .flatMap((mail) => ['--- mail', ...mail.slice(mail.indexOf('\n\n') + 2).split('\n').filter(Boolean)])
    .map((l) => l.split(dir).join('DIR').replace(/ after \d+(\.\d+)?m?s/g, ' after T').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME'));
}

describe.skipIf(!root || missing.length > 0 || !bin)('a real cron daemon mails only trouble', () => {
  it('8 ticks: 2 good, 3 failing (the third halts), the latched refusal, 2 silent refusals', async () => {
    const t0 = Date.now();
    const dir = tempDir('safehalt-cron-');
    const job = path.join(dir, 'sync.sh');
    // The job: fine at its first two runs, then the upstream refuses every batch.
    writeFileSync(job, `#!/bin/sh\nn=$(cat ${dir}/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${dir}/runs\necho "sync: batch $n"\n[ $n -le 2 ] && exit 0\nsleep 0.1; echo "sync: upstream refused batch $n (disk full)" >&2\nexit 1\n`);
    // Only 8 ticks run safehalt; later ones do nothing (and print nothing).
    writeFileSync(path.join(dir, 'gate.sh'), `#!/bin/sh\nn=$(cat ${dir}/ticks 2>/dev/null || echo 0); [ $n -lt 8 ] || exit 1; echo $((n+1)) > ${dir}/ticks\n`);
    writeFileSync(path.join(dir, 'sendmail'), `#!/bin/sh\n{ echo "=== sendmail $*"; cat; } >> ${dir}/mail\n`);
    for (const f of ['sync.sh', 'gate.sh', 'sendmail']) chmodSync(path.join(dir, f), 0o755);
    const state = path.join(dir, 'state');
    writeFileSync(path.join(dir, 'crontab'), `* * * * * /bin/sh ${dir}/gate.sh && ${bin} run --mode once --quiet --name nightly --state-dir ${state} --max-consecutive-failures 3 -- ${job}\n`);
    const cron = spawn('unshare', ['-m', '--propagation', 'private', 'bash', path.join(import.meta.dirname, 'cron-namespace.sh'), dir], { stdio: 'ignore' });
    cronPid = cron.pid!;
    // Done: the third refusal is recorded (and its tick has ended: the gate lets no ninth through).
    await waitFor(() => readEvents(state).filter((e) => e.event === 'refused').length === 3, 60_000, 'three refused ticks');
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(cronPid, 'SIGTERM');
    // The daemon really is gone (it was this very pid: the namespace script execs cron).
    await waitFor(() => !alive(cronPid!), 10_000, 'cron to exit');
    cronPid = null;
    const wall = Date.now() - t0;
    expect(readFileSync(path.join(dir, 'ticks'), 'utf8').trim()).toBe('8');
    const resume = 'safehalt resume --state-dir DIR/state --reason "what was fixed"';
    expect(bodies(path.join(dir, 'mail'), dir)).toEqual([
      '--- mail',
      'safehalt[nightly]: warn: child exited with 1 after T: failure exit:1 (1 in a row, 1 in all)',
      'sync: batch 3',
      'sync: upstream refused batch 3 (disk full)',
      '--- mail',
      'safehalt[nightly]: warn: child exited with 1 after T: failure exit:1 (2 in a row, 2 in all)',
      'sync: batch 4',
      'sync: upstream refused batch 4 (disk full)',
      '--- mail',
      'safehalt[nightly]: warn: child exited with 1 after T: failure exit:1 (3 in a row, 3 in all)',
      'sync: batch 5',
      'sync: upstream refused batch 5 (disk full)',
      `safehalt[nightly]: error: HALTED RETRY_LIMIT_REACHED: 3 consecutive failures (limit 3) [rule max-consecutive-failures 3]. The job will not start again until: ${resume}`,
      '--- mail',
      `safehalt[nightly]: error: refusing to start: halt RETRY_LIMIT_REACHED is latched (3 consecutive failures (limit 3)). Fix the cause, then: ${resume}`,
    ]);
    process.stdout.write(`real cron: 8 ticks and their mail in ${(wall / 1000).toFixed(1)} s\n`);
  }, 90_000);
});
