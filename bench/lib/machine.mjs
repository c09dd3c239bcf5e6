// The machine and the versions a run measured, for the report.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PEERS_DIR } from './install.mjs';
import { cleanEnv } from './proc.mjs';

const out = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8', env: cleanEnv(), timeout: 10_000 }).stdout?.trim() ?? '';

function debVersion(pkg) {
  const v = out('dpkg-query', ['-W', '-f=${Version}', pkg]);
  return v ? `${pkg} ${v}` : null;
}

export async function machine(safehalt, node24) {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const pm2Pkg = path.join(PEERS_DIR, 'node_modules', 'pm2', 'package.json');
  const peers = [
    existsSync(pm2Pkg) ? `pm2 ${JSON.parse(readFileSync(pm2Pkg, 'utf8')).version}` : null,
    ...['supervisor', 'runit', 's6', 'daemontools'].map(debVersion),
  ].filter(Boolean);
  const size = existsSync(safehalt) ? `${(statSync(safehalt).size / 1048576).toFixed(0)} MiB executable` : 'missing';
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    nproc: os.availableParallelism(),
    cpu,
    kernel: os.release(),
    node: node24 ? out(node24, ['--version']) : `${process.version} (no Node 24 found)`,
    load: os.loadavg().map((x) => x.toFixed(1)).join(' '),
    safehalt: existsSync(safehalt) ? `${out(safehalt, ['--version'])} (${size})` : 'missing',
    peers: peers.join(', ') || 'none',
  };
}
