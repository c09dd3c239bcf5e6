// Safe halt, the latch and a deliberate resume, end to end.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cli, fixture, readEvents, readJson, stateDir, tempDir } from '../helpers/cli.ts';

const fast = ['--backoff-initial', '10ms', '--backoff-max', '50ms'];

describe('safe halt', () => {
  it('a transport spike halts with 80 and a complete stop reason', async () => {
    const dir = stateDir();
    const r = await cli(['run', ...fast, '--state-dir', dir, '--', fixture('flaky-db.sh')]);
    expect(r.code).toBe(80);
    expect(r.stderr).toMatch(/HALTED FAILURE_SPIKE: 3 transport failures within 2m/);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr).toMatchObject({
      schema: 1,
      reason: 'FAILURE_SPIKE',
      exitCode: 80,
      rule: 'spike transport:3/2m',
      counts: { failures: 3, byClass: { transport: 3 }, inWindow: { transport: 3 } },
      latched: true,
    });
    expect(sr.message).toContain('3 transport failures');
    expect(sr.resume).toBe(`safehalt resume --state-dir ${dir} --reason "what was fixed"`);
    expect(sr.recentFailures).toHaveLength(3);
    expect(sr.recentFailures[0]).toMatchObject({ exitCode: 1, signal: null, class: 'transport' });
    expect(sr.recentFailures[0].stderrTail).toContain('ECONNREFUSED');
    expect(typeof sr.recentFailures[0].durationMs).toBe('number');
    expect(readJson(path.join(dir, 'state.json')).latch).toMatchObject({ reason: 'FAILURE_SPIKE', exitCode: 80 });
  });

  it('the latch: the next run exits 83 without starting the child, in every mode', async () => {
    const dir = stateDir();
    expect((await cli(['run', ...fast, '--state-dir', dir, '--', fixture('flaky-db.sh')])).code).toBe(80);
    const marker = path.join(tempDir(), 'ran');
    for (const mode of ['service', 'loop', 'once']) {
      const r = await cli(['run', '--mode', mode, '--state-dir', dir, '--', 'touch', marker]);
      expect(r.code).toBe(83);
      expect(r.stderr).toContain('refusing to start: halt FAILURE_SPIKE is latched');
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('resume without --reason is refused; with it the halt clears and the reason is recorded', async () => {
    const dir = stateDir();
    await cli(['run', ...fast, '--state-dir', dir, '--', fixture('flaky-db.sh')]);
    const bare = await cli(['resume', '--state-dir', dir]);
    expect(bare.code).toBe(64);
    expect(bare.stderr).toContain('--reason');
    expect(readJson(path.join(dir, 'state.json')).latch).not.toBeNull();
    const ok = await cli(['resume', '--state-dir', dir, '--reason', 'db is back (INC-42)']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('cleared the FAILURE_SPIKE halt');
    const resumed = readEvents(dir).find((e) => e.event === 'resumed');
    expect(resumed).toMatchObject({ reason: 'db is back (INC-42)', clearedHalt: 'FAILURE_SPIKE' });
    expect(typeof resumed.by).toBe('string');
    expect(resumed.time).toMatch(/^\d{4}-/);
    const again = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(again.code).toBe(0);
    // After a resume the old failures no longer count toward the window.
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', fixture('flaky-db.sh')])).code).toBe(1);
  });

  it('user classes and exit-code classes are counted in the stop reason', async () => {
    const dir = stateDir();
    const r = await cli([
      'run', ...fast, '--classify', 'quota=/rate limit/i', '--spike', 'quota:2/1m', '--state-dir', dir,
      '--', fixture('exit-n.sh'), '9', 'Error: Rate Limit exceeded',
    ]);
    expect(r.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ rule: 'spike quota:2/1m', counts: { byClass: { quota: 2 } } });
    const dir2 = stateDir();
    const r2 = await cli(['run', ...fast, '--classify-exit', '75=tempfail', '--max-consecutive-failures', '2', '--state-dir', dir2, '--', fixture('exit-n.sh'), '75']);
    expect(r2.code).toBe(80);
    expect(readJson(path.join(dir2, 'stop-reason.json'))).toMatchObject({ reason: 'RETRY_LIMIT_REACHED', counts: { byClass: { tempfail: 2 } } });
  });

  it('--max-failures/--within trips on failures spread between successes', async () => {
    const dir = stateDir();
    const n = path.join(tempDir(), 'n');
    const r = await cli(['run', '--mode', 'loop', ...fast, '--max-failures', '3', '--within', '1m', '--state-dir', dir, '--', 'sh', '-c', `n=$(cat ${n} 2>/dev/null || echo 0); echo $((n+1)) > ${n}; [ $((n % 2)) = 0 ]`]);
    expect(r.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'FAILURE_SPIKE', rule: 'max-failures 3 within 1m' });
  });
});
