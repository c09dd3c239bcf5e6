// --on-halt CMD: run once on a safe halt, without a shell, bounded in time, never changing the
// outcome; whatever the child wrote reaches the hook as data in a file, never as command text.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, cli, fixture, readEvents, readJson, start, stateDir, tempDir, waitFor } from '../helpers/cli.ts';

const fast = ['--backoff-initial', '10ms', '--backoff-max', '20ms'];

function script(body: string): string {
  const file = path.join(tempDir(), 'script.sh');
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A hook that records its argv, its environment and the stop reason it is given. */
function recorder(out: string): string {
  return script(`{ printf 'arg:%s\\n' "$@"; env | grep '^SAFEHALT_' | sort; } > "${out}.env"
cp "$SAFEHALT_STOP_REASON_FILE" "${out}.json"`);
}

describe('--on-halt', () => {
  it('runs once on a safe halt with the stop reason file, name and reason; the exit code stays 80', async () => {
    const dir = stateDir();
    const out = path.join(tempDir(), 'hook');
    const r = await cli(['run', ...fast, '--name', 'orders', '--state-dir', dir, '--on-halt', `${recorder(out)} page "team a"`, '--', fixture('flaky-db.sh')]);
    expect(r.code).toBe(80);
    const env = readFileSync(`${out}.env`, 'utf8').split('\n');
    expect(env).toEqual(expect.arrayContaining(['arg:page', 'arg:team a', `SAFEHALT_STOP_REASON_FILE=${dir}/stop-reason.json`, 'SAFEHALT_NAME=orders', 'SAFEHALT_REASON=FAILURE_SPIKE']));
    expect(readJson(`${out}.json`)).toMatchObject({ reason: 'FAILURE_SPIKE', exitCode: 80 });
    expect(r.stderr).toMatch(/--on-halt command ".*script\.sh" succeeded/);
    expect(readEvents(dir).filter((e) => e.event === 'on-halt')).toMatchObject([{ ok: true, result: 'succeeded' }]);
  });

  it('the child\'s stderr and the hook\'s arguments never reach a shell', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'hook');
    const child = script(`echo 'connect ECONNREFUSED $(touch ${dir}/pwned1) \`touch ${dir}/pwned2\`; touch ${dir}/pwned3' >&2; exit 1`);
    const r = await cli(['run', ...fast, '--state-dir', stateDir(), '--on-halt', `${recorder(out)} '$(touch ${dir}/pwned4)' ';touch ${dir}/pwned5'`, '--', child]);
    expect(r.code).toBe(80);
    for (const n of [1, 2, 3, 4, 5]) expect(existsSync(path.join(dir, `pwned${n}`))).toBe(false);
    expect(readFileSync(`${out}.env`, 'utf8')).toContain(`arg:$(touch ${dir}/pwned4)\narg:;touch ${dir}/pwned5\n`);
    expect(readJson(`${out}.json`).recentFailures[0].stderrTail).toContain(`$(touch ${dir}/pwned1) \`touch ${dir}/pwned2\`; touch ${dir}/pwned3`);
  });

  it('a failing hook is logged and changes nothing', async () => {
    const r = await cli(['run', ...fast, '--state-dir', stateDir(), '--on-halt', script('echo "pager down" >&2; exit 3'), '--', fixture('flaky-db.sh')]);
    expect(r.code).toBe(80);
    expect(r.stderr).toContain('pager down');
    expect(r.stderr).toMatch(/error: --on-halt command ".*" exited with 3; the halt stands/);
  });

  it('a hook that cannot be started is logged and changes nothing', async () => {
    const r = await cli(['run', ...fast, '--state-dir', stateDir(), '--on-halt', '/nonexistent/hook --flag', '--', fixture('flaky-db.sh')]);
    expect(r.code).toBe(80);
    expect(r.stderr).toContain('error: --on-halt command "/nonexistent/hook" cannot be started: ENOENT; the halt stands');
  });

  it('a hook that hangs is stopped after --on-halt-timeout, with its children', async () => {
    const dir = tempDir();
    const hook = script(`sleep 30 & echo $! > ${dir}/grandchild; wait`);
    const t0 = Date.now();
    const r = await cli(['run', ...fast, '--state-dir', stateDir(), '--on-halt', hook, '--on-halt-timeout', '500ms', '--', fixture('flaky-db.sh')]);
    expect(r.code).toBe(80);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/--on-halt command ".*" took longer than 500ms and was stopped; the halt stands/);
    const grandchild = Number(readFileSync(path.join(dir, 'grandchild'), 'utf8'));
    await waitFor(() => !alive(grandchild), 3000, 'the hook\'s own child to be gone');
  });

  it('is not run on a clean stop, nor when a latched halt refuses to start', async () => {
    const dir = stateDir();
    const marker = path.join(tempDir(), 'ran');
    const hook = ['--on-halt', `/usr/bin/touch ${marker}`];
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, ...hook, '--', 'true'])).code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect((await cli(['run', ...fast, '--state-dir', dir, '--', fixture('flaky-db.sh')])).code).toBe(80);
    expect((await cli(['run', '--state-dir', dir, ...hook, '--', 'true'])).code).toBe(83);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs for every halt of one wrapper: a halt after a successful probe runs the hook again', async () => {
    const dir = stateDir();
    const n = path.join(tempDir(), 'n');
    const hooks = path.join(tempDir(), 'hooks');
    // Runs 1-3 fail (halt), run 4 is the probe and succeeds, runs 5-7 fail (a second halt).
    const body = `n=$(cat ${n} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${n}; [ $n -eq 4 ] || [ $n -ge 8 ]`;
    const hook = script(`echo "$SAFEHALT_REASON" >> ${hooks}`);
    const run = start(['run', '--mode', 'loop', ...fast, '--max-consecutive-failures', '3', '--probe-after', '300ms', '--state-dir', dir, '--on-halt', hook, '--', 'sh', '-c', body]);
    try {
      await waitFor(() => existsSync(hooks) && readFileSync(hooks, 'utf8').split('\n').filter(Boolean).length >= 2, 20_000, 'the hook of the second halt');
    } finally {
      run.proc.kill('SIGTERM');
    }
    await run.done;
    expect(readFileSync(hooks, 'utf8')).toBe('RETRY_LIMIT_REACHED\nRETRY_LIMIT_REACHED\n');
    expect(readEvents(dir).filter((e) => e.event === 'halted')).toHaveLength(2);
    expect(readEvents(dir).filter((e) => e.event === 'on-halt')).toHaveLength(2);
  });
});
