// The network clients, as cron scripts and loops call them: how to find each one, its version, and
// its command line under each condition (null: the condition does not apply to that client).
import path from 'node:path';
import { httpUrl, tcpTarget } from './conditions.ts';
import type { Servers } from './servers.ts';

export interface Ctx {
  s: Servers;
  /** The node and python3 the probe scripts run on. */
  node: string;
  python: string;
  /** Port of the loopback sshd that accepts no key, when one could be started. */
  sshd: number | null;
}

/** The client's own timeout, in seconds: short where the condition is a server that never answers,
 * generous elsewhere, so that a loaded machine never turns an HTTP 429 into a client timeout. */
export const timeoutFor = (cond: string) => (cond === 'timeout' ? '2' : '20');

export interface Client {
  name: string;
  /** What the client is: shown in the README's table of recorded clients. */
  what: string;
  /** A command whose success means the client is installed. */
  present: (c: Ctx) => string[];
  version: (c: Ctx) => string[];
  argv: (cond: string, c: Ctx) => string[] | null;
  env?: (cond: string) => Record<string, string>;
}

const PROBES = path.join(import.meta.dirname, 'probes');
const probe = (name: string) => path.join(PROBES, name);
const http = (run: (url: string, c: Ctx, cond: string) => string[]) => (cond: string, c: Ctx) => {
  const url = httpUrl(cond, c.s);
  return url === null ? null : run(url, c, cond);
};
const py = (mod: string) => (c: Ctx) => [c.python, '-c', `import sys, ${mod}; print(sys.version.split()[0], ${mod}.__version__ if hasattr(${mod}, '__version__') else '')`];

export const CLIENTS: Client[] = [
  { name: 'curl', what: 'curl -sS --fail-with-body', present: () => ['curl', '--version'], version: () => ['curl', '--version'], argv: http((u, c, cond) => ['curl', '-sS', '--fail-with-body', '--max-time', timeoutFor(cond), '-o', '/dev/null', u]) },
  { name: 'curl-verbose', what: 'curl -sS --fail -v (response headers on stderr)', present: () => ['curl', '--version'], version: () => ['curl', '--version'], argv: http((u, c, cond) => ['curl', '-sS', '--fail', '-v', '--max-time', timeoutFor(cond), '-o', '/dev/null', u]) },
  { name: 'wget', what: 'wget -O /dev/null -T 20 -t 1', present: () => ['wget', '--version'], version: () => ['wget', '--version'], argv: http((u, c, cond) => ['wget', '-O', '/dev/null', '-T', timeoutFor(cond), '-t', '1', u]) },
  { name: 'python-urllib', what: 'python3 urllib.request.urlopen, errors unhandled', present: (c) => [c.python, '--version'], version: py('urllib.request'), argv: http((u, c, cond) => [c.python, probe('py-urllib.py'), u, timeoutFor(cond)]) },
  { name: 'python-requests', what: 'python3 requests.get + raise_for_status()', present: (c) => [c.python, '-c', 'import requests'], version: py('requests'), argv: http((u, c, cond) => [c.python, probe('py-requests.py'), u, timeoutFor(cond)]) },
  { name: 'node-http', what: 'node http.get, error event rethrown', present: (c) => [c.node, '--version'], version: (c) => [c.node, '--version'], argv: http((u, c, cond) => [c.node, probe('node-http.mjs'), u, timeoutFor(cond)]) },
  { name: 'node-fetch', what: 'node fetch(), HTTP errors thrown with status and body', present: (c) => [c.node, '--version'], version: (c) => [c.node, '--version'], argv: http((u, c, cond) => [c.node, probe('node-fetch.mjs'), u, timeoutFor(cond)]) },
  {
    name: 'git',
    what: 'git ls-remote over HTTP(S)',
    present: () => ['git', '--version'],
    version: () => ['git', '--version'],
    env: (cond) => ({ GIT_TERMINAL_PROMPT: '0', GIT_HTTP_LOW_SPEED_LIMIT: '1', GIT_HTTP_LOW_SPEED_TIME: timeoutFor(cond), HOME: '/nonexistent' }),
    argv: http((u, c, cond) => ['git', 'ls-remote', u.replace('/v1/chat/completions', '/org/repo.git')]),
  },
  {
    name: 'psql',
    what: 'psql -c (libpq)',
    present: () => ['psql', '--version'],
    version: () => ['psql', '--version'],
    env: (cond) => ({ PGCONNECT_TIMEOUT: timeoutFor(cond), PGPASSWORD: 'wrong' }),
    argv: (cond, c) => {
      if (cond === 'tls-plain') return ['psql', `host=127.0.0.1 port=${c.s.http} user=app dbname=app sslmode=require`, '-c', 'select 1'];
      const t = tcpTarget(cond, c.s, c.s.pgAuth, c.s.pgBusy);
      return t && ['psql', `host=${t[0]} port=${t[1]} user=app dbname=app sslmode=prefer`, '-c', 'select 1'];
    },
  },
  {
    name: 'redis-cli',
    what: 'redis-cli -e PING',
    present: () => ['redis-cli', '--version'],
    version: () => ['redis-cli', '--version'],
    argv: (cond, c) => {
      // redis-cli has no read timeout: against a server that never answers it waits for ever.
      const t = cond === 'timeout' ? null : tcpTarget(cond, c.s, c.s.redisAuth);
      return t && ['redis-cli', '-e', '-h', t[0], '-p', String(t[1]), 'PING'];
    },
  },
  {
    name: 'ssh',
    what: 'ssh -o BatchMode=yes -o ConnectTimeout=20',
    present: () => ['ssh', '-V'],
    version: () => ['ssh', '-V'],
    argv: (cond, c) => {
      const t = tcpTarget(cond, c.s, c.sshd);
      const opts = ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${timeoutFor(cond)}`, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-F', '/dev/null'];
      return t && ['ssh', ...opts, '-p', String(t[1]), `app@${t[0]}`, 'true'];
    },
  },
  {
    name: 'nc',
    what: 'nc -vz -w 20 (OpenBSD netcat)',
    present: () => ['sh', '-c', 'command -v nc'],
    version: () => ['sh', '-c', "dpkg-query -W -f 'netcat-openbsd ${Version}' netcat-openbsd"],
    argv: (cond, c) => {
      // -z only connects: a server that accepts (then stalls or resets) counts as up.
      if (cond !== 'refused' && cond !== 'unresolvable') return null;
      const t = tcpTarget(cond, c.s, null);
      return t && ['nc', '-vz', '-w', timeoutFor(cond), t[0], String(t[1])];
    },
  },
];
