// safehalt, its peers and the two floors, driven alike: start(argv, dir, { crash }) supervises argv
// and returns a handle with the supervisor's pid, a restart counter, and its ways to stop.
//   crash: true    restart at once, no backoff, no halt rules (restart throughput)
//   crash: false   a long-running child with every default (idle, stop, start-up)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PM2_BIN } from './install.mjs';
import { adopt, alive, cleanEnv, has, killTree, now, runBounded, start, within } from './proc.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SAFEHALT = process.env.SAFEHALT_BENCH_BIN ? path.resolve(process.env.SAFEHALT_BENCH_BIN) : path.join(ROOT, 'dist', 'safehalt');
const NODE_LOOP = path.join(import.meta.dirname, 'node-loop.cjs');

/** A Node 24 binary for the raw spawn loop: the project's pinned `node` devDependency. */
const versionOf = (p) => spawnSync(p, ['--version'], { encoding: 'utf8', env: cleanEnv() }).stdout?.trim() ?? '';
export const NODE24 = [path.join(ROOT, 'node_modules', 'node', 'bin', 'node'), process.execPath].find((p) => existsSync(p) && /^v24\./.test(versionOf(p)));

const sq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const lines = (file) => {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
};

/** What every handle has; `exited` is null for a daemon the bench did not spawn itself. */
function handle(fields) {
  return { exited: null, count: async () => null, stop: null, command: null, dispose: async () => {}, ...fields };
}

// ---- floors --------------------------------------------------------------------------------

const BASH_LOOP = `trap 'kill -TERM $c 2>/dev/null; wait $c; exit 0' TERM
while :; do "$@" & c=$!; wait $c; echo; done`;

function bashLoop(argv) {
  const p = start('bash', ['-c', BASH_LOOP, 'bash', ...argv], { stdio: ['ignore', 'pipe', 'ignore'] });
  let n = 0;
  p.child.stdout.on('data', (b) => (n += b.length));
  return handle({ pid: p.pid, exited: p.exited, count: async () => n, stop: () => process.kill(p.pid, 'SIGTERM'), dispose: async () => killTree(p.pid) });
}

function nodeLoop(argv) {
  const p = start(NODE24, [NODE_LOOP, ...argv], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  const waiters = [];
  // SIGUSR2 before the handler is installed would end the process: wait for `ready`.
  const ready = new Promise((r) => waiters.push(r));
  p.child.stdout.on('data', (b) => {
    text += b;
    const m = /(\d+|ready)\n$/.exec(text);
    if (m) for (const w of waiters.splice(0)) w(m[1] === 'ready' ? 0 : Number(m[1]));
  });
  const count = async () => {
    if ((await within(ready, 5000)) === null) return null;
    const got = new Promise((r) => waiters.push(r));
    process.kill(p.pid, 'SIGUSR2');
    return within(got, 2000);
  };
  return handle({ pid: p.pid, exited: p.exited, count, stop: () => process.kill(p.pid, 'SIGTERM'), dispose: async () => killTree(p.pid) });
}

// ---- safehalt ------------------------------------------------------------------------------

const FAST = ['--backoff-initial', '0', '--backoff-max', '0', '--max-consecutive-failures', '0', '--max-failures', '0', '--spike', 'none'];

export function safehaltArgs(mode, crash, stateDir) {
  const args = ['run', '--state-dir', stateDir, '--quiet', '--mode', mode];
  if (crash) args.push(...FAST, ...(mode === 'loop' ? ['--interval', '0'] : ['--min-uptime', '0']));
  return args;
}

export function safehalt(mode, bin) {
  return (argv, dir, { crash }) => {
    const stateDir = path.join(dir, 'job');
    const p = start(bin, [...safehaltArgs(mode, crash, stateDir), '--', ...argv]);
    const count = async () => {
      try {
        const m = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8'));
        return m.iterations + m.failures;
      } catch {
        return null;
      }
    };
    return handle({
      pid: p.pid,
      exited: p.exited,
      stateDir,
      count,
      stop: () => process.kill(p.pid, 'SIGTERM'),
      command: () => runBounded(bin, ['stop', '--state-dir', stateDir], { timeoutMs: 10_000 }),
      dispose: async () => killTree(p.pid),
    });
  };
}

// ---- PM2 -----------------------------------------------------------------------------------

async function pm2(argv, dir, { crash }) {
  const env = cleanEnv({ PM2_HOME: path.join(dir, 'pm2'), PM2_DISCRETE_MODE: 'true' });
  const eco = path.join(dir, 'ecosystem.json');
  const app = { name: 'bench', script: argv[0], args: argv.slice(1), interpreter: 'none', autorestart: true, kill_signal: 'SIGTERM', out_file: '/dev/null', error_file: '/dev/null' };
  // PM2 stops a crash loop after max_restarts (default 16) "unstable" restarts: lift that.
  if (crash) Object.assign(app, { restart_delay: 0, max_restarts: 1e9, min_uptime: 0 });
  writeFileSync(eco, JSON.stringify({ apps: [app] }));
  const pm = (args, timeoutMs = 30_000) => runBounded(PM2_BIN, args, { env, timeoutMs });
  const startedAt = now();
  const r = await pm(['start', eco]);
  const pidFile = path.join(dir, 'pm2', 'pm2.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
  adopt(pid);
  if (r.code !== 0 || !pid) throw new Error(`pm2 start failed: ${r.err.trim().split('\n').pop()}`);
  const count = async () => {
    const j = await pm(['jlist'], 10_000);
    try {
      return JSON.parse(j.out.slice(j.out.indexOf('['))).find((a) => a.name === 'bench')?.pm2_env?.restart_time ?? null;
    } catch {
      return null;
    }
  };
  return handle({
    pid,
    startedAt,
    count,
    stop: () => process.kill(pid, 'SIGTERM'),
    command: () => pm(['stop', 'bench']),
    dispose: async () => {
      // `pm2 kill` with no daemon would start one first.
      if (alive(pid)) await pm(['kill'], 10_000);
      killTree(pid);
    },
  });
}

// ---- supervisord ---------------------------------------------------------------------------

function supervisord(argv, dir, { crash }) {
  const conf = path.join(dir, 'supervisord.conf');
  const log = path.join(dir, 'supervisord.log');
  writeFileSync(
    conf,
    `[supervisord]
nodaemon=true
logfile=${log}
pidfile=${path.join(dir, 'supervisord.pid')}
childlogdir=${dir}
loglevel=info
user=root
[unix_http_server]
file=${path.join(dir, 'supervisor.sock')}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://${path.join(dir, 'supervisor.sock')}
[program:bench]
command=${argv.map((a) => (/[\s'"]/.test(a) ? sq(a) : a)).join(' ')}
autorestart=true
startsecs=${crash ? 0 : 1}
startretries=${crash ? 1000000 : 3}
stopsignal=TERM
stopwaitsecs=10
stdout_logfile=NONE
stderr_logfile=NONE
`,
  );
  const p = start('supervisord', ['-n', '-c', conf]);
  const count = async () => {
    try {
      return (readFileSync(log, 'utf8').match(/spawned: 'bench'/g) ?? []).length - 1;
    } catch {
      return null;
    }
  };
  return handle({
    pid: p.pid,
    exited: p.exited,
    count,
    stop: () => process.kill(p.pid, 'SIGTERM'),
    command: () => runBounded('supervisorctl', ['-c', conf, 'stop', 'bench'], { timeoutMs: 20_000 }),
    dispose: async () => killTree(p.pid),
  });
}

// ---- runit, s6, daemontools: one service directory each -------------------------------------

function serviceDir(argv, dir) {
  const sv = path.join(dir, 'sv');
  const counter = path.join(dir, 'starts');
  runBoundedSync(['mkdir', '-p', sv]);
  // The run script counts its starts, then becomes the child: a fork and exec more than the others,
  // on a path these peers take once a second.
  writeFileSync(path.join(sv, 'run'), `#!/bin/sh\necho >> ${sq(counter)}\nexec ${argv.map(sq).join(' ')}\n`, { mode: 0o755 });
  return { sv, count: async () => Math.max(0, lines(counter) - 1) };
}
const runBoundedSync = (argv) => spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 5000 });

function dirPeer(bin, downCmd) {
  return (argv, dir) => {
    const { sv, count } = serviceDir(argv, dir);
    const p = start(bin, [sv]);
    return handle({
      pid: p.pid,
      exited: p.exited,
      count,
      stop: () => process.kill(p.pid, 'SIGTERM'),
      command: () => runBounded(downCmd[0], [...downCmd.slice(1), sv], { timeoutMs: 10_000 }),
      dispose: async () => killTree(p.pid),
    });
  };
}

// ---- the list ------------------------------------------------------------------------------

/** Every contender: `needs` is what must be installed, `peer` the install status key. With a
 * baseline binary (an earlier build), safehalt runs twice: before and after, in one run. */
export function listContenders({ baseline = null } = {}) {
  const safehalts = [['', SAFEHALT], ...(baseline ? [[' (baseline)', baseline]] : [])].flatMap(([tag, bin]) => [
    { name: `safehalt loop${tag}`, safehalt: true, bin, modes: ['crash'], start: safehalt('loop', bin), needs: () => existsSync(bin) },
    { name: `safehalt${tag}`, safehalt: true, bin, commandName: 'safehalt stop', start: safehalt('service', bin), needs: () => existsSync(bin) },
  ]);
  return [
    { name: 'bash loop', floor: true, start: bashLoop, needs: () => has('bash') },
    { name: 'node spawn loop', floor: true, start: nodeLoop, needs: () => Boolean(NODE24) },
    ...safehalts,
    { name: 'pm2', peer: 'pm2', commandName: 'pm2 stop', start: pm2, needs: () => existsSync(PM2_BIN) },
    { name: 'supervisord', peer: 'supervisor', commandName: 'supervisorctl stop', start: supervisord, needs: () => has('supervisord') },
    { name: 'runsv', peer: 'runit', commandName: 'sv down', start: dirPeer('runsv', ['sv', 'down']), needs: () => has('runsv') },
    { name: 's6-supervise', peer: 's6', commandName: 's6-svc -d', start: dirPeer('s6-supervise', ['s6-svc', '-d']), needs: () => has('s6-supervise') },
    { name: 'supervise', peer: 'daemontools', commandName: 'svc -d', start: dirPeer('supervise', ['svc', '-d']), needs: () => has('supervise') },
  ];
}
