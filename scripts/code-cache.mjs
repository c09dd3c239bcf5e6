#!/usr/bin/env node
// V8 code caches of the standalone executable:
//   node scripts/code-cache.mjs write build/sea-main.cjs build/sea-assets.json build/sea-config.json
//   node scripts/code-cache.mjs check dist/safehalt
//
// write: runs each line of LINES with the pinned Node that the executable is built from (V8 takes
// a cache only from its own version and flags), through the executable's main script
// (packaging/sea/main.cjs) with SAFEHALT_CODE_CACHE=write:DIR and the executable's execArgv (a V8
// flag among them would change what V8 accepts). At exit the main script writes the
// bundle's cache for that command, and each part of the bundle that the line loaded writes its
// own (through the main script's hook, scripts/bundle.mjs): a cache then holds every function the line compiled, not only the top
// level. The caches are added to the SEA assets. check: runs the same lines on the executable with
// SAFEHALT_CODE_CACHE=check and fails if V8 rejected a cache (a rejected cache only costs the plain
// compile, so nothing else would show it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** [cache key, command line]: in order, on one job (run first gives it a history). Parts: run, cold. */
const LINES = (job) => [
  ['run', ['run', '--mode', 'once', '--quiet', '--state-dir', job, '--', 'true']],
  ['version', ['--version']],
  ['status', ['status', '--state-dir', job]],
  ['heartbeat', ['heartbeat', '--progress', 'p1', '--state-dir', job]],
  // check after fail: the item store exists, as it does for a job with history (a check in an
  // empty store returns before most of the lookup, and the cache would miss it).
  ['item-fail', ['item', 'fail', 'id-1', '--state-dir', job]],
  ['item-check', ['item', 'check', 'id-2', '--state-dir', job]],
  ['item-ok', ['item', 'ok', 'id-1', '--state-dir', job]],
  ['pause', ['pause', '--state-dir', job]],
  ['resume', ['resume', '--state-dir', job]],
  ['stop', ['stop', '--state-dir', job]],
  ['default', ['unit', 'demo', '--', '/bin/true']],
];
const PARTS = ['safehalt-run.cjs', 'safehalt-cold.cjs'];

function runLines(cmd, prefix, env) {
  const dir = mkdtempSync(path.join(tmpdir(), 'safehalt-code-cache-'));
  try {
    return LINES(path.join(dir, 'job')).map(([key, argv]) => {
      const r = spawnSync(cmd, [...prefix, ...argv], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000, encoding: 'utf8' });
      if (r.error || r.signal) throw new Error(`${cmd} ${argv.join(' ')}: ${r.error?.message ?? r.signal}`);
      return { key, argv, stderr: r.stderr };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function write(main, assetsFile, seaConfig) {
  const { execArgv = [] } = JSON.parse(readFileSync(seaConfig, 'utf8'));
  const assets = JSON.parse(readFileSync(assetsFile, 'utf8'));
  const out = path.dirname(path.resolve(assetsFile));
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'safehalt-caches-'));
  try {
    const keys = runLines(process.execPath, [...execArgv, main], { SAFEHALT_CODE_CACHE: `write:${cacheDir}` }).map((l) => l.key);
    for (const name of [...keys.map((k) => `safehalt.cjs.${k}.cache`), ...PARTS.map((p) => `${p}.cache`)]) {
      const made = path.join(cacheDir, name);
      if (!existsSync(made)) throw new Error(`no code cache ${name} was written (LINES in ${import.meta.filename})`);
      writeFileSync(path.join(out, name), readFileSync(made));
      assets[name] = path.join(out, name);
      process.stderr.write(`[build] code cache: ${name} (${statSync(made).size} bytes)\n`);
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  writeFileSync(assetsFile, JSON.stringify(assets));
}

function check(bin) {
  const rejected = runLines(bin, [], { SAFEHALT_CODE_CACHE: 'check' }).filter((l) => /code cache/.test(l.stderr));
  for (const l of rejected) process.stderr.write(`${bin} ${l.argv.join(' ')}: ${l.stderr}`);
  if (rejected.length) process.exit(1);
}

const [verb, ...args] = process.argv.slice(2);
if (verb === 'write') write(args[0], args[1], args[2]);
else if (verb === 'check') check(args[0]);
else throw new Error('usage: code-cache.mjs write MAIN ASSETS SEA_CONFIG | check BIN');
