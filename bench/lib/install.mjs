// Peers installed where missing: Debian packages through apt-get (as root), PM2 from npm into
// bench/.peers. Each step is bounded in time; a peer that cannot be installed is reported missing.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { has, runBounded } from './proc.mjs';

export const PEERS_DIR = path.resolve(import.meta.dirname, '..', '.peers');
export const PM2_BIN = path.join(PEERS_DIR, 'node_modules', '.bin', 'pm2');

/** Debian package → the programs the bench needs from it. */
const DEBIAN = {
  supervisor: ['supervisord', 'supervisorctl'],
  runit: ['runsv', 'sv'],
  s6: ['s6-supervise', 's6-svc'],
  daemontools: ['supervise', 'svc'],
};

// Installers keep the caller's environment (a proxy's CA in NODE_EXTRA_CA_CERTS, for one).
const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
// Wait for another apt/dpkg run instead of failing at once.
const APT_LOCK = ['-o', 'DPkg::Lock::Timeout=120'];
const why = (r) => r.err.split('\n').find((l) => /error|^E:/i.test(l) && !/complete log/.test(l))?.trim() || r.signal || `exit ${r.code}`;

/** Returns { name: null | 'why it is missing' } for every peer package, and logs what it does. */
export async function installPeers({ log, install = true }) {
  const status = {};
  const wanted = Object.entries(DEBIAN).filter(([, bins]) => !bins.every(has)).map(([pkg]) => pkg);
  for (const pkg of Object.keys(DEBIAN)) status[pkg] = null;
  if (wanted.length > 0) {
    if (!install) for (const p of wanted) status[p] = 'not installed (--no-install)';
    else if (process.getuid?.() !== 0 || !has('apt-get')) for (const p of wanted) status[p] = 'not installed (needs root and apt-get)';
    else {
      log(`installing ${wanted.join(' ')} with apt-get (services are not started: policy-rc.d)`);
      const upd = await runBounded('apt-get', [...APT_LOCK, 'update', '-q'], { timeoutMs: 180_000, env: APT_ENV });
      if (upd.code !== 0) log(`apt-get update failed (${upd.signal ?? upd.code}); trying to install anyway`);
      for (const pkg of wanted) {
        const r = await runBounded('apt-get', [...APT_LOCK, 'install', '-y', '-q', '--no-install-recommends', pkg], { timeoutMs: 240_000, env: APT_ENV });
        if (r.code !== 0) status[pkg] = `apt-get install ${pkg} failed: ${why(r)}`;
      }
    }
  }
  for (const [pkg, bins] of Object.entries(DEBIAN)) if (status[pkg] === null && !bins.every(has)) status[pkg] = `${bins.filter((b) => !has(b)).join(', ')} not found`;

  status.pm2 = null;
  if (!existsSync(PM2_BIN)) {
    if (!install) status.pm2 = 'not installed (--no-install)';
    else {
      log(`installing pm2 from npm into ${path.relative(process.cwd(), PEERS_DIR)}`);
      const r = await runBounded('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error', 'pm2@latest'], { timeoutMs: 240_000, env: process.env });
      if (r.code !== 0 || !existsSync(PM2_BIN)) status.pm2 = `npm install pm2 failed: ${why(r)}`;
    }
  }
  return status;
}
