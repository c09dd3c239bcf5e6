// packaging/prometheus/safehalt.rules.yml: valid for promtool, each alert covered by the promtool
// unit tests beside it, and every metric it names is one the built binary writes.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ROOT, cli, fixture, stateDir, tempDir } from '../helpers/cli.ts';

const DIR = path.join(ROOT, 'packaging/prometheus');
const RULES = path.join(DIR, 'safehalt.rules.yml');
const TESTS = path.join(DIR, 'safehalt.rules.test.yml');
const promtool = (...args: string[]) => spawnSync('promtool', args, { encoding: 'utf8', cwd: DIR });
const alerts = (): string[] => YAML.parse(readFileSync(RULES, 'utf8')).groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));

describe('Prometheus alerting rules', () => {
  it('promtool check rules and promtool test rules pass', () => {
    const check = promtool('check', 'rules', RULES);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`SUCCESS: ${alerts().length} rules found`);
    const test = promtool('test', 'rules', TESTS);
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });

  it('every alert is expected to fire in at least one test', () => {
    const tests = YAML.parse(readFileSync(TESTS, 'utf8')).tests;
    const fired = new Set(tests.flatMap((t: any) => t.alert_rule_test.filter((a: any) => a.exp_alerts.length > 0).map((a: any) => a.alertname)));
    expect([...fired].sort()).toEqual([...alerts()].sort());
    expect(alerts()).toEqual(['SafehaltHalted', 'SafehaltFailing', 'SafehaltChildStalled', 'SafehaltItemsCircuitBroken', 'SafehaltWrapperGone']);
  });

  it('the tests can fail: a wrong expectation makes promtool test rules exit 1', () => {
    const dir = tempDir();
    copyFileSync(RULES, path.join(dir, 'safehalt.rules.yml'));
    const t = YAML.parse(readFileSync(TESTS, 'utf8'));
    t.tests[0].alert_rule_test[1].exp_alerts = [];
    writeFileSync(path.join(dir, 't.yml'), YAML.stringify(t));
    const r = spawnSync('promtool', ['test', 'rules', 't.yml'], { encoding: 'utf8', cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('FAILED');
  });

  it('every metric the rules name is written by the binary', async () => {
    const file = path.join(tempDir(), 'job.prom');
    await cli(['run', '--stall-timeout', '5s', '--backoff-initial', '10ms', '--state-dir', stateDir(), '--metrics-file', file, '--', fixture('flaky-db.sh')]);
    const written = new Set([...readFileSync(file, 'utf8').matchAll(/^# TYPE (\w+)/gm)].map((m) => m[1]));
    const named = new Set([...readFileSync(RULES, 'utf8').matchAll(/\b(safehalt_[a-z_]+)\b(?![=:])/g)].map((m) => m[1]).filter((n) => n !== 'safehalt_job'));
    expect(named.size).toBeGreaterThanOrEqual(8);
    for (const n of named) expect(written, n).toContain(n);
  });
});
