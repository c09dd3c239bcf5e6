// The built-in classes on the binary: each recorded client against a closed loopback port halts as a
// transport spike, a 429 loop as a rate-limit spike (honouring Retry-After), a missing command after
// the exec rule; --spike adds to the defaults (issue 12, item 8).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { cli, cliArgv, FIXTURES, readEvents, readJson, ROOT, stateDir } from '../helpers/cli.ts';
import { installed } from '../clients/installed.ts';

const fast = ['--mode', 'loop', '--backoff-initial', '10ms', '--backoff-max', '50ms'];
const bin = cliArgv([]);
const safehalt = [bin[0], ...bin[1]].join(' ');

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const refused = readdirSync(path.join(FIXTURES, 'clients')).map((c) => JSON.parse(readFileSync(path.join(FIXTURES, 'clients', c, 'refused.json'), 'utf8')) as { client: string; command: string[]; stderr: string });

describe('each recorded client against a closed loopback port', () => {
  it.concurrent.each(refused.map((r) => [r.client, r] as const))('%s halts as a transport spike after 3 runs', async (client, r) => {
    if (!installed(r.command[0])) return; // installed() fails the test under CI instead
    const old = /\b(\d{4,5})\b/.exec(r.command.join(' '))![1]; // the closed port of the recording
    const port = String(await closedPort());
    const dir = stateDir();
    const res = await cli(['run', ...fast, '--state-dir', dir, '--', ...r.command.map((a) => a.replaceAll(old, port))], { cwd: ROOT });
    expect(res.code, res.stderr).toBe(80);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr).toMatchObject({ reason: 'FAILURE_SPIKE', rule: 'spike transport:3/2m', counts: { runs: 3, byClass: { transport: 3 } }, matched: { class: 'transport' } });
    expect(sr.recentFailures[2].matched).toBe(sr.matched.phrase);
    expect(res.stderr).toContain(`failure transport (3 in a row, 3 in all) on ${JSON.stringify(sr.matched.phrase)}`);
  });
});

function api429(retryAfter: string): Promise<{ url: string; close(): void }> {
  const body = JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
  const s = http.createServer((_, res) => res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter }).end(body));
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(s.address() as net.AddressInfo).port}/v1/chat/completions`, close: () => s.close() })));
}

const starts = (dir: string) => readEvents(dir).filter((e) => e.event === 'started').map((e) => Date.parse(e.time));

describe('rate limits', () => {
  it('a 429 loop halts as a rate-limit spike after 4 runs, each wait at least the Retry-After', async () => {
    const api = await api429('1');
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--backoff-initial', '10ms', '--state-dir', dir, '--', 'curl', '-sS', '--fail', '-v', '-o', '/dev/null', api.url]);
    api.close();
    expect(r.code, r.stderr).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'FAILURE_SPIKE', rule: 'spike rate-limit:4/15m', counts: { runs: 4, byClass: { 'rate-limit': 4 } }, matched: { class: 'rate-limit', phrase: 'HTTP/1.1 429' } });
    expect(r.stderr).toContain('restarting in 1s (retry-after 1s asked by stderr "retry-after: 1")');
    const backoffs = readEvents(dir).filter((e) => e.event === 'backoff');
    expect(backoffs.map((e) => [e.delayMs, e.retryAfterMs])).toEqual([[1000, 1000], [1000, 1000], [1000, 1000]]);
    const t = starts(dir);
    for (let i = 1; i < t.length; i++) expect(t[i] - t[i - 1]).toBeGreaterThanOrEqual(1000);
  });

  it('--backoff-max caps a long Retry-After, and the log says so', async () => {
    const api = await api429('30');
    const dir = stateDir();
    const r = await cli(['run', ...fast, '--state-dir', dir, '--', 'curl', '-sS', '--fail', '-v', '-o', '/dev/null', api.url]);
    api.close();
    expect(r.code).toBe(80);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.stderr).toContain('restarting in 50ms (retry-after 30s asked by stderr "retry-after: 30", capped by --backoff-max 50ms)');
  });

  it('heartbeat --retry-after: the child says how long to wait', async () => {
    const dir = stateDir();
    const r = await cli(['run', '--mode', 'loop', '--backoff-initial', '10ms', '--max-consecutive-failures', '2', '--state-dir', dir, '--', 'sh', '-c', `${safehalt} heartbeat --retry-after 1500ms && exit 1`]);
    expect(r.code, r.stderr).toBe(80);
    expect(r.stderr).toContain('(retry-after 1.5s asked by the child (retry-after report))');
    const t = starts(dir);
    expect(t[1] - t[0]).toBeGreaterThanOrEqual(1500);
  });
});

describe('exec: a command that cannot run', () => {
  it.each([
    ['a missing program', ['/nonexistent/safehalt-no-such-program'], 'cannot start /nonexistent/safehalt-no-such-program: ENOENT'],
    ['a shell script whose command is not found', ['sh', '-c', 'safehalt-no-such-command-x'], 'safehalt-no-such-command-x: not found'],
  ])('%s halts at the second run (exec:2/1h)', async (_, cmd, phrase) => {
    const dir = stateDir();
    const r = await cli(['run', ...fast, '--state-dir', dir, '--', ...cmd]);
    expect(r.code, r.stderr).toBe(80);
    const sr = readJson(path.join(dir, 'stop-reason.json'));
    expect(sr).toMatchObject({ rule: 'spike exec:2/1h', counts: { runs: 2, byClass: { exec: 2 } }, matched: { class: 'exec' } });
    expect(sr.matched.phrase).toContain(phrase);
  });

  it('cron (once mode): the first run exits 127, the second halts with 80', async () => {
    const dir = stateDir();
    const cmd = ['run', '--mode', 'once', '--state-dir', dir, '--', '/nonexistent/safehalt-no-such-program'];
    expect((await cli(cmd)).code).toBe(127);
    expect((await cli(cmd)).code).toBe(80);
    expect((await cli(cmd)).code).toBe(83);
  });
});

describe('--spike adds to the defaults (issue 12, item 8)', () => {
  it.each([['rate-limit:2/1m'], ['rate_limit:2/1m']])('--spike %s keeps transport:3/2m', async (rule) => {
    const dir = stateDir();
    const r = await cli(['run', ...fast, '--spike', rule, '--state-dir', dir, '--', 'sh', '-c', 'echo "Error: connect ECONNREFUSED 127.0.0.1:5432" >&2; exit 1']);
    expect(r.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'FAILURE_SPIKE', rule: 'spike transport:3/2m', counts: { runs: 3 } });
  });
  it('--spike none clears them: five transport failures reach the retry limit', async () => {
    const dir = stateDir();
    const r = await cli(['run', ...fast, '--spike', 'none', '--state-dir', dir, '--', 'sh', '-c', 'echo "Error: connect ECONNREFUSED 127.0.0.1:5432" >&2; exit 1']);
    expect(r.code).toBe(80);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'RETRY_LIMIT_REACHED', counts: { runs: 5 } });
  });
});

describe('heartbeat --retry-after', () => {
  it('is kept for the run that reported it, not inherited by the next', async () => {
    const dir = stateDir();
    await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    const beat = (iteration: number, ...args: string[]) => cli(['heartbeat', '--state-dir', dir, ...args], { env: { SAFEHALT_ITERATION: String(iteration) } });
    const hint = () => readJson(path.join(dir, 'child-heartbeat.json')).retryAfterMs;
    expect((await beat(3, '--retry-after', '30s')).code).toBe(0);
    expect(hint()).toBe(30_000);
    await beat(3, '--progress', 'a');
    expect(hint()).toBe(30_000);
    await beat(4, '--progress', 'b');
    expect(hint()).toBeUndefined();
  });
  it('a bad duration is a usage error naming the flag', async () => {
    const dir = stateDir();
    await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    const r = await cli(['heartbeat', '--state-dir', dir, '--retry-after', 'soon']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--retry-after/);
  });
});
