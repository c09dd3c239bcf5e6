// The shipped units under a REAL systemd 252 (PID 1 of a systemd-nspawn container): halts stop
// systemd's restarts, Type=notify and STATUS=, the watchdog catching a stalled child, a graceful
// `systemctl stop`, journald priorities, and which NotifyAccess= works for root and User= services.
// Skips only where the container cannot boot (not root, no cgroup v2), saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/cli.ts';
import { cannotRun, Machine, safehaltBinary } from './harness.ts';

const why = cannotRun();
if (why) console.warn(`test/systemd: skipped: ${why}`);

let m: Machine;
const t0 = Date.now();
/** Transcripts for docs/systemd.md, in build/systemd/ (not committed). */
const keep = (name: string, text: string) => {
  mkdirSync(path.join(ROOT, 'build/systemd'), { recursive: true });
  writeFileSync(path.join(ROOT, 'build/systemd', name), text);
};

/** An instance of the shipped template: its env file, and a drop-in for what the test changes. */
function job(name: string, env: string, dropIn = ''): string {
  m.put(`/etc/safehalt/${name}.env`, env);
  // A quick RestartSec= makes a restart that should not happen show at once.
  m.put(`/etc/systemd/system/safehalt@${name}.service.d/test.conf`, `[Service]\nRestartSec=200ms\nLimitCORE=0\n${dropIn}`);
  m.sh('systemctl daemon-reload');
  return `safehalt@${name}.service`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); await sleep(100))
    if (Date.now() > deadline) throw new Error(`timed out after ${ms}ms waiting for ${what}`);
}

describe.skipIf(why !== null)('under a real systemd', () => {
  beforeAll(() => {
    const bin = safehaltBinary();
    m = new Machine();
    m.setup();
    m.boot({ [bin]: '/usr/local/bin/safehalt', [path.join(ROOT, 'test/fixtures')]: '/opt/fixtures', [path.join(ROOT, 'packaging')]: '/opt/packaging' });
    m.sh('cp /opt/packaging/systemd/safehalt@.service /opt/packaging/systemd/sync-orders.service /etc/systemd/system/ && systemctl daemon-reload');
  }, 600_000);

  afterAll(() => {
    m?.teardown();
    console.log(`test/systemd: ${((Date.now() - t0) / 1000).toFixed(1)}s including setup and boot`);
  }, 120_000);

  it('the shipped units pass systemd-analyze verify where safehalt is installed', () => {
    const r = m.run(['systemd-analyze', 'verify', '/etc/systemd/system/safehalt@verify.service', '/etc/systemd/system/sync-orders.service']);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('a transport spike: ExecMainStatus=80, STATUS= says why, no restart; journald has the halt at priority err', async () => {
    const unit = job('flaky', 'SAFEHALT_COMMAND=/opt/fixtures/flaky-db.sh\nSAFEHALT_BACKOFF_INITIAL=100ms\nSAFEHALT_BACKOFF_MAX=200ms\n');
    m.run(['systemctl', 'start', unit]);
    await m.waitState(unit, /^failed$/);
    await sleep(1500);
    const s = m.show(unit, ['ActiveState', 'SubState', 'Result', 'ExecMainCode', 'ExecMainStatus', 'NRestarts', 'StatusText']);
    keep('show-halted.txt', m.run(['systemctl', 'show', '-p', 'ActiveState,SubState,Result,ExecMainCode,ExecMainStatus,NRestarts,StatusText', unit]).out);
    keep('status-halted.txt', m.run(['systemctl', 'status', '--no-pager', '-n', '12', unit]).out);
    expect(s).toEqual({
      ActiveState: 'failed',
      SubState: 'failed',
      Result: 'exit-code',
      ExecMainCode: '1',
      ExecMainStatus: '80',
      NRestarts: '0',
      StatusText: 'HALTED FAILURE_SPIKE: 3 transport failures within 2m (limit 3); to resume: safehalt resume --state-dir /var/lib/safehalt/flaky --reason "what was fixed"',
    });
    const err = m.journal(unit, '-p', 'err', '-o', 'cat').trim().split('\n');
    expect(err).toEqual([expect.stringMatching(/^safehalt\[flaky\]: error: HALTED FAILURE_SPIKE: 3 transport failures within 2m \(limit 3\) \[rule spike transport:3\/2m\]/)]);
    const warnings = m.journal(unit, '-p', 'warning..warning', '-o', 'cat');
    expect(warnings.match(/warn: child exited with 1 after \d+ms: failure transport/g)).toHaveLength(3);
    keep('journal-halted.txt', m.journal(unit, '-o', 'short-precise'));
  });

  it('a latched restart attempt: 83, and still no restart loop', async () => {
    const unit = 'safehalt@flaky.service';
    expect(m.run(['systemctl', 'start', unit]).code).not.toBe(0);
    await sleep(1500);
    expect(m.show(unit, ['ActiveState', 'Result', 'ExecMainStatus', 'NRestarts'])).toEqual({ ActiveState: 'failed', Result: 'exit-code', ExecMainStatus: '83', NRestarts: '0' });
    expect(m.journal(unit, '-p', 'err', '-o', 'cat')).toMatch(/error: refusing to start: halt FAILURE_SPIKE is latched/);
    keep('status-refused.txt', m.run(['systemctl', 'status', '--no-pager', '-n', '6', unit]).out);
    // A deliberate resume lets it start again.
    m.sh('safehalt resume --state-dir /var/lib/safehalt/flaky --reason "db is back"');
    m.run(['systemctl', 'start', unit]);
    expect((await m.waitState(unit, /^failed$/)).Result).toBe('exit-code');
    expect(m.show(unit, ['ExecMainStatus']).ExecMainStatus).toBe('80');
  });

  it('Type=notify: activating until the first child runs, then active with STATUS=', async () => {
    // Another run holds the job's lock for 3s; the unit waits for it (SAFEHALT_WAIT_LOCK).
    m.sh('systemd-run --unit=holder /usr/local/bin/safehalt run --mode once --state-dir /var/lib/safehalt/ready -- sleep 3');
    await waitUntil(() => m.run(['test', '-e', '/var/lib/safehalt/ready/inflight.json']).code === 0, 'the holder to run');
    const unit = job('ready', 'SAFEHALT_COMMAND=/opt/fixtures/forever.sh\nSAFEHALT_WAIT_LOCK=30s\n');
    m.sh(`systemctl start --no-block ${unit}`);
    await sleep(1500);
    expect(m.show(unit, ['ActiveState', 'SubState', 'StatusText'])).toEqual({ ActiveState: 'activating', SubState: 'start', StatusText: '' });
    const s = await m.waitState(unit, /^active$/, 15_000);
    expect(s.StatusText).toMatch(/^running iteration \d+ \(pid \d+\)$/);
    const main = m.show(unit, ['MainPID']).MainPID;
    expect(m.sh(`tr '\\0' ' ' < /proc/${main}/cmdline`)).toMatch(/^\/usr\/local\/bin\/safehalt run --name ready -- \/opt\/fixtures\/forever.sh $/);
    const log = m.journal(unit, '-o', 'cat');
    expect(log.indexOf('Started safehalt@ready.service')).toBeGreaterThan(log.indexOf('started /opt/fixtures/forever.sh'));
    keep('show-running.txt', m.run(['systemctl', 'show', '-p', 'Type,NotifyAccess,ActiveState,SubState,MainPID,StatusText', unit]).out);
    m.sh(`systemctl stop ${unit}`);
  });

  it('a stalled child: watchdog pings stop and WatchdogSec= acts', async () => {
    // Beats every 0.5s for 4s (twice WatchdogSec: the pings keep the unit alive), then goes silent
    // and ignores SIGTERM, so safehalt's own stop cannot end it within --kill-timeout.
    m.put('/usr/local/bin/stall-child', '#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8; do touch "$SAFEHALT_HEARTBEAT_FILE"; sleep 0.5; done\ntrap "" TERM\nwhile :; do sleep 1; done\n', '0755');
    const unit = job('stall', 'SAFEHALT_COMMAND=/usr/local/bin/stall-child\nSAFEHALT_STALL_TIMEOUT=1s\nSAFEHALT_KILL_TIMEOUT=60s\n', 'WatchdogSec=2s\nRestart=no\n');
    const started = Date.now();
    m.sh(`systemctl start ${unit}`);
    expect(m.show(unit, ['WatchdogUSec']).WatchdogUSec).toBe('2s');
    await sleep(3500);
    expect(m.show(unit, ['ActiveState']).ActiveState).toBe('active');
    const s = await m.waitState(unit, /^failed$/, 20_000);
    expect(Date.now() - started).toBeGreaterThan(5000);
    expect(s.Result).toBe('watchdog');
    // WatchdogSignal= (SIGABRT) is a handled stop: the child, already sent SIGTERM for the stall,
    // is killed at once and the stop is recorded before the wrapper exits.
    expect(s.StatusText).toBe('stopped: SIGNAL');
    const log = m.journal(unit, '-o', 'cat');
    expect(log).toMatch(/warn: the child \(pid \d+\) gave no heartbeat for 1\.\ds \(--stall-timeout 1s\): stopping it/);
    expect(log).toContain('stopped (SIGNAL): SIGABRT received; the child was killed with SIGKILL at once (it had been sent SIGTERM already)');
    expect(log).toContain('Watchdog timeout (limit 2s)!');
    keep('journal-watchdog.txt', m.journal(unit, '-o', 'short-precise'));
  });

  it('systemctl stop: the child shuts down gracefully, well within TimeoutStopSec', async () => {
    const unit = job('graceful', 'SAFEHALT_COMMAND=/opt/fixtures/traps-term.sh /var/lib/safehalt/graceful/got-term\n');
    m.sh(`systemctl start ${unit}`);
    await sleep(500);
    const t = Date.now();
    m.sh(`systemctl stop ${unit}`);
    expect(Date.now() - t).toBeLessThan(5000);
    expect(m.show(unit, ['ActiveState', 'Result', 'ExecMainStatus'])).toEqual({ ActiveState: 'inactive', Result: 'success', ExecMainStatus: '0' });
    expect(m.sh('cat /var/lib/safehalt/graceful/got-term')).toBe('got TERM\n');
    expect(m.journal(unit, '-o', 'cat')).toContain('stopped (SIGNAL): SIGTERM received; the child was stopped gracefully');
  });

  it('systemctl stop of a child that ignores SIGTERM: SIGKILL after --kill-timeout, before TimeoutStopSec', async () => {
    const unit = job('stubborn', 'SAFEHALT_COMMAND=/opt/fixtures/ignore-term.sh /tmp/pids\nSAFEHALT_KILL_TIMEOUT=2s\n');
    m.sh(`systemctl start ${unit}`);
    await sleep(500);
    const t = Date.now();
    m.sh(`systemctl stop ${unit}`);
    const took = Date.now() - t;
    expect(took).toBeGreaterThan(1900);
    expect(took).toBeLessThan(10_000);
    expect(m.show(unit, ['Result', 'ExecMainStatus'])).toEqual({ Result: 'success', ExecMainStatus: '0' });
  });

  it('NotifyAccess=all works for root and User= services; NotifyAccess=main only for root', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['all-root', '', /^active$/],
      ['all-user', 'User=nobody\n', /^active$/],
      ['main-root', 'NotifyAccess=main\n', /^active$/],
      ['main-user', 'NotifyAccess=main\nUser=nobody\nTimeoutStartSec=4s\nRestart=no\n', /^failed$/],
    ];
    const units = cases.map(([name, dropIn]) => job(`na-${name}`, 'SAFEHALT_COMMAND=/opt/fixtures/forever.sh\n', dropIn));
    for (const u of units) m.sh(`systemctl start --no-block ${u}`);
    for (const [i, [, , want]] of cases.entries()) await m.waitState(units[i], want, 15_000);
    expect(m.show(units[1], ['StatusText']).StatusText).toMatch(/^running iteration 1 \(pid \d+\)$/);
    expect(m.show(units[3], ['Result']).Result).toBe('timeout');
    expect(m.journal(units[3], '-o', 'cat')).toMatch(/Got notification message from PID \d+, but reception only permitted for main PID \d+/);
    for (const u of units) m.run(['systemctl', 'stop', u]);
  });
});
