// Logs: syslog priority prefixes under journald (JOURNAL_STREAM), JSON lines for containers, and
// --quiet for cron: nothing on success, a latched refusal reported once.
import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from '../../src/log/logger.ts';
import { cli, fixture, stateDir } from '../helpers/cli.ts';

function capture(o: Partial<LoggerOptions>) {
  const lines: string[] = [];
  const log = createLogger({ name: 'job', format: 'text', quiet: false, journal: false, write: (l) => lines.push(l), ...o });
  log.error('e');
  log.warn('w');
  log.info('i');
  return lines;
}

const fast = ['--backoff-initial', '10ms', '--backoff-max', '20ms'];
/** safehalt's own lines (the child's stderr passes through as it is). */
const own = (stderr: string) => stderr.split('\n').filter((l) => /^(<\d>)?safehalt\[|^\{/.test(l));

describe('logger', () => {
  it('journald: <3> errors, <4> warnings, <6> info', () => {
    expect(capture({ journal: true })).toEqual(['<3>safehalt[job]: error: e\n', '<4>safehalt[job]: warn: w\n', '<6>safehalt[job]: i\n']);
  });

  it('a terminal: no prefixes', () => {
    expect(capture({})).toEqual(['safehalt[job]: error: e\n', 'safehalt[job]: warn: w\n', 'safehalt[job]: i\n']);
  });

  it('json: one object a line with time, level, job and message', () => {
    const lines = capture({ format: 'json', journal: true }).map((l) => JSON.parse(l));
    expect(lines.map(({ level, job, msg }) => ({ level, job, msg }))).toEqual([
      { level: 'error', job: 'job', msg: 'e' },
      { level: 'warn', job: 'job', msg: 'w' },
      { level: 'info', job: 'job', msg: 'i' },
    ]);
    for (const l of lines) expect(Date.parse(l.time)).toBeGreaterThan(0);
  });

  it('quiet keeps warnings and errors only', () => {
    expect(capture({ quiet: true })).toEqual(['safehalt[job]: error: e\n', 'safehalt[job]: warn: w\n']);
  });
});

describe('logs of a run', () => {
  it('under journald every line of safehalt carries its priority; the halt is <3>', async () => {
    const r = await cli(['run', ...fast, '--state-dir', stateDir(), '--', fixture('flaky-db.sh')], { env: { JOURNAL_STREAM: '8:12345' } });
    expect(r.code).toBe(80);
    const lines = own(r.stderr);
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l).toMatch(/^<[346]>safehalt\[job\]: /);
    expect(lines.filter((l) => l.startsWith('<3>'))).toEqual([expect.stringMatching(/^<3>safehalt\[job\]: error: HALTED FAILURE_SPIKE: /)]);
    expect(lines.filter((l) => l.startsWith('<4>'))).toHaveLength(3);
    // The child's own stderr passes through untouched.
    expect(r.stderr).toContain('\nerror: connect ECONNREFUSED 127.0.0.1:5432\n');
  });

  it('--log-format json: every line of safehalt is a JSON object', async () => {
    const r = await cli(['run', ...fast, '--log-format', 'json', '--state-dir', stateDir(), '--', fixture('flaky-db.sh')]);
    expect(r.code).toBe(80);
    const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('error: connect'));
    const objs = lines.map((l) => JSON.parse(l));
    expect(objs.at(-1)).toMatchObject({ level: 'error', job: 'job', msg: expect.stringMatching(/^HALTED FAILURE_SPIKE/) });
  });

  it('--quiet in once mode: nothing at all on success', async () => {
    const r = await cli(['run', '--mode', 'once', '--quiet', '--state-dir', stateDir(), '--', 'true']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('--quiet in once mode: a failure is reported', async () => {
    const r = await cli(['run', '--mode', 'once', '--quiet', '--state-dir', stateDir(), '--', fixture('exit-n.sh'), '3']);
    expect(r.code).toBe(3);
    expect(own(r.stderr)).toEqual([expect.stringMatching(/^safehalt\[job\]: warn: child exited with 3 after \d+ms: failure exit:3 \(1 in a row, 1 in all\)$/)]);
  });

  it('--quiet: a latched halt is reported at the first refused tick only', async () => {
    const dir = stateDir();
    const tick = () => cli(['run', '--mode', 'once', '--quiet', '--max-consecutive-failures', '2', '--state-dir', dir, '--', fixture('flaky-db.sh')]);
    expect((await tick()).code).toBe(1);
    const halt = await tick();
    expect(halt.code).toBe(80);
    expect(own(halt.stderr).filter((l) => l.includes('error: HALTED'))).toHaveLength(1);
    const first = await tick();
    expect(first.code).toBe(83);
    expect(own(first.stderr)).toEqual([expect.stringMatching(/^safehalt\[job\]: error: refusing to start: halt RETRY_LIMIT_REACHED is latched/)]);
    for (let i = 0; i < 2; i++) expect(await tick()).toMatchObject({ code: 83, stdout: '', stderr: '' });
  });
});
