// The standalone executable's main script (build/sea-config.json): it compiles the bundle, which
// travels as a SEA asset, with a V8 code cache warmed by a line of the same command
// (scripts/code-cache.mjs), and runs it. A cache holds the bytecode of every function that line
// compiled: `item fail` took 30 ms with the bundle compiled plainly, 23 ms with its cache (node -e 0:
// 18 ms). SEA's own useCodeCache caches the top level only, and made --version 1.21x slower.
//
// Run by plain node (the build's warm lines), it reads build/safehalt.cjs beside it, and
// SAFEHALT_CODE_CACHE=write:DIR writes the cache at exit. SAFEHALT_CODE_CACHE=check says on stderr
// when V8 rejects a cache (scripts/build.sh fails then); a rejected cache costs the plain compile.
'use strict';
const { join } = require('node:path');
const vm = require('node:vm');
const sea = require('node:sea');

const BUNDLE = 'safehalt.cjs';
const HOT = new Set(['run', 'status', 'stop', 'pause', 'resume', 'heartbeat']);
const ITEM = new Set(['check', 'ok', 'fail']);

/** The cache of this command line: each hot command has its own, the rest share one. */
function cacheKey([first, second]) {
  if (first === '--version') return 'version';
  if (first === 'item' && ITEM.has(second)) return `item-${second}`;
  return HOT.has(first) ? first : 'default';
}

function cachedData(name) {
  try {
    return new Uint8Array(sea.getRawAsset(name));
  } catch {
    return undefined; // no such asset: a plain compile
  }
}

const inSea = sea.isSea();
const file = inSea ? process.execPath : join(__dirname, BUNDLE);
const source = inSea ? sea.getAsset(BUNDLE, 'utf8') : require('node:fs').readFileSync(file, 'utf8');
const cacheName = `${BUNDLE}.${cacheKey(process.argv.slice(2))}.cache`;
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new vm.Script(wrapped, { filename: file, cachedData: inSea ? cachedData(cacheName) : undefined });
const mode = process.env.SAFEHALT_CODE_CACHE;
if (script.cachedDataRejected && mode === 'check') process.stderr.write(`safehalt: the code cache ${cacheName} was rejected\n`);
// A new file only (wx: never over another, never through a link); scripts/code-cache.mjs fails the
// build when a cache it asked for is missing.
const writeCache = () => require('node:fs').writeFileSync(join(mode.slice(6), cacheName), script.createCachedData(), { flag: 'wx' });
if (!inSea && mode?.startsWith('write:'))
  process.once('exit', () => {
    try {
      writeCache();
    } catch {
      /* said by scripts/code-cache.mjs */
    }
  });
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, require, bundle, file, join(file, '..'));
