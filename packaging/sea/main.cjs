// The standalone executable's main script (build/sea-config.json): it compiles the bundle, which
// travels as a SEA asset, with a V8 code cache warmed by a line of the same command
// (scripts/code-cache.mjs), and runs it. It also compiles each part of the bundle (scripts/bundle.mjs)
// with that part's cache, through the hook it leaves on globalThis. A cache holds the bytecode of
// every function that line compiled: `item fail` took 28.8 ms with the bundle compiled plainly,
// 23.6 ms with its cache (node -e 0: 18 ms). SEA's own useCodeCache, a cache made without running
// a line, was measured at 1.21x slower --version.
//
// Run by plain node (the build's warm lines), it reads build/safehalt.cjs beside it, and
// SAFEHALT_CODE_CACHE=write:DIR writes each cache at exit. SAFEHALT_CODE_CACHE=check says on stderr
// when V8 rejects a cache (scripts/build.sh fails then); a rejected cache costs the plain compile.
'use strict';
const { join } = require('node:path');
const vm = require('node:vm');
const sea = require('node:sea');

const BUNDLE = 'safehalt.cjs';
const HOT = new Set(['run', 'status', 'stop', 'pause', 'resume', 'heartbeat']);
const ITEM = new Set(['check', 'ok', 'fail']);
const inSea = sea.isSea();
const mode = process.env.SAFEHALT_CODE_CACHE;

/** The cache of this command line: each hot command has its own, the rest share one. */
function cacheKey([first, second]) {
  if (first === '--version') return 'version';
  if (first === 'item' && ITEM.has(second)) return `item-${second}`;
  return HOT.has(first) ? first : 'default';
}

function cachedData(name) {
  if (!inSea) return undefined;
  try {
    return new Uint8Array(sea.getRawAsset(name));
  } catch {
    return undefined; // no such asset: a plain compile
  }
}

/** The function `wrapped` evaluates to, compiled with the cache `cacheName`. */
function compile(wrapped, filename, cacheName) {
  const script = new vm.Script(wrapped, { filename, cachedData: cachedData(cacheName) });
  if (script.cachedDataRejected && mode === 'check') process.stderr.write(`safehalt: the code cache ${cacheName} was rejected\n`);
  if (!inSea && mode?.startsWith('write:'))
    process.once('exit', () => {
      try {
        // A new file only (wx: never over another, never through a link); the first line to load a
        // part makes its cache, and scripts/code-cache.mjs fails the build when one is missing.
        require('node:fs').writeFileSync(join(mode.slice(6), cacheName), script.createCachedData(), { flag: 'wx' });
      } catch {
        /* said by scripts/code-cache.mjs */
      }
    });
  return script.runInThisContext();
}

// The parts of the bundle are compiled through this (scripts/bundle.mjs), each with PART.cache.
globalThis[Symbol.for('safehalt.compilePart')] = (file, wrapped, filename) => compile(wrapped, filename, `${file}.cache`);

const file = inSea ? process.execPath : join(__dirname, BUNDLE);
const source = inSea ? sea.getAsset(BUNDLE, 'utf8') : require('node:fs').readFileSync(file, 'utf8');
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const bundle = { exports: {} };
compile(wrapped, file, `${BUNDLE}.${cacheKey(process.argv.slice(2))}.cache`)(bundle.exports, require, bundle, file, join(file, '..'));
