// The metrics file through the real stack, on 127.0.0.1 only: node_exporter's textfile collector,
// Prometheus (1 s scrape and evaluation, packaging/prometheus/safehalt.rules.yml) and Alertmanager
// with a webhook receiver in this process. A job halts: the alert arrives at the receiver; resume
// and a good run: it is resolved. Debian packages prometheus, prometheus-node-exporter and
// prometheus-alertmanager (.ci/run installs them).
import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cli, fixture, stateDir, tempDir } from '../helpers/cli.ts';
import { freePort, getJson, have, startDaemon, stopAll, until, type Daemon } from './daemons.ts';

const READY = have('prometheus', 'prometheus-node-exporter', 'prometheus-alertmanager');
const daemons: Daemon[] = [];
afterAll(() => stopAll(daemons));

interface Received {
  at: number;
  status: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

function receiver(port: number, got: Received[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push({ at: Date.now(), ...JSON.parse(body) });
      res.end('ok');
    });
  });
  return new Promise((r) => server.listen(port, '127.0.0.1', () => r(server)));
}

function configs(dir: string, ports: { node: number; am: number; hook: number }) {
  writeFileSync(path.join(dir, 'am.yml'), `route:
  receiver: hook
  group_by: [alertname, safehalt_job]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:${ports.hook}/
        send_resolved: true
`);
  writeFileSync(path.join(dir, 'p.yml'), `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - ${path.join(ROOT, 'packaging/prometheus/safehalt.rules.yml')}
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${ports.am}']
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:${ports.node}']
`);
}

describe.skipIf(!READY && !process.env.CI)('Prometheus, Alertmanager and node_exporter, for real', () => {
  it('a halt reaches the webhook as SafehaltHalted; resume and a good run resolve it', { timeout: 120_000 }, async () => {
    const t0 = Date.now();
    const dir = tempDir();
    const textfiles = path.join(dir, 'textfile');
    mkdirSync(textfiles);
    const ports = { node: await freePort(), am: await freePort(), hook: await freePort(), prom: await freePort() };
    configs(dir, ports);
    const got: Received[] = [];
    const server = await receiver(ports.hook, got);
    try {
      daemons.push(
        startDaemon('node_exporter', 'prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${ports.node}`, '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${textfiles}`], dir),
        startDaemon('alertmanager', 'prometheus-alertmanager', [`--config.file=${dir}/am.yml`, `--storage.path=${dir}/am`, `--web.listen-address=127.0.0.1:${ports.am}`, '--cluster.listen-address='], dir),
        startDaemon('prometheus', 'prometheus', [`--config.file=${dir}/p.yml`, `--storage.tsdb.path=${dir}/tsdb`, `--web.listen-address=127.0.0.1:${ports.prom}`], dir),
      );
      const prom = `http://127.0.0.1:${ports.prom}`;
      const query = async (q: string) => (await getJson(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`)).data.result;
      await until('Prometheus to scrape node_exporter', 30_000, async () => (await query('up{job="node"} == 1')).length === 1);
      await until('Prometheus to see Alertmanager', 30_000, async () => (await getJson(`${prom}/api/v1/alertmanagers`)).data.activeAlertmanagers.length === 1);

      const job = stateDir();
      const file = path.join(textfiles, 'orders.prom');
      const once = (...cmd: string[]) => cli(['run', '--mode', 'once', '--quiet', '--name', 'orders', '--state-dir', job, '--metrics-file', file, '--', ...cmd]);
      for (let i = 0; i < 2; i++) expect((await once(fixture('exit-n.sh'), '1', 'connect ECONNREFUSED 127.0.0.1:5432')).code).toBe(1);
      const halted = Date.now();
      expect((await once(fixture('exit-n.sh'), '1', 'connect ECONNREFUSED 127.0.0.1:5432')).code).toBe(80);
      const firing = await until('the firing alert at the webhook', 30_000, async () => got.find((g) => g.status === 'firing' && g.alerts.some((a) => a.labels.alertname === 'SafehaltHalted')));
      const alert = firing.alerts.find((a) => a.labels.alertname === 'SafehaltHalted')!;
      expect(alert.labels).toMatchObject({ safehalt_job: 'orders', job: 'node', instance: `127.0.0.1:${ports.node}`, reason: 'FAILURE_SPIKE', rule: 'spike transport:3/2m', severity: 'page' });
      expect(alert.labels.exported_job).toBeUndefined();
      const fireMs = firing.at - halted;
      console.log(`webhook received: ${JSON.stringify({ status: firing.status, alerts: firing.alerts }, null, 2)}`);

      const resumed = Date.now();
      expect((await cli(['resume', '--state-dir', job, '--reason', 'db is back'])).code).toBe(0);
      expect((await once(fixture('exit-n.sh'), '0')).code).toBe(0);
      const resolved = await until('the resolved alert at the webhook', 30_000, async () => got.find((g) => g.status === 'resolved' && g.alerts.some((a) => a.labels.alertname === 'SafehaltHalted')));
      const resolveMs = resolved.at - resumed;
      expect((await query('safehalt_halted{safehalt_job="orders"}'))[0].value[1]).toBe('0');
      await until('the good run in Prometheus', 15_000, async () => (await query('safehalt_successes_total{safehalt_job="orders"} == 1')).length === 1);
      // The figures for docs/systemd.md; generous bounds on a shared machine.
      console.log(`prometheus e2e: halt -> webhook ${fireMs} ms, resume -> resolved ${resolveMs} ms, test ${Date.now() - t0} ms`);
      expect(fireMs).toBeLessThan(20_000);
    } finally {
      server.close();
      await stopAll(daemons);
    }
  });
});
