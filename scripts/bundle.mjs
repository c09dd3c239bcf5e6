#!/usr/bin/env node
// Bundle safehalt: node scripts/bundle.mjs ENTRY OUT  (writes OUT, its parts and sea-assets.json
// beside it)
//
// OUT is src/entry.ts with the fast path (src/cli/fast/) and the hot commands it runs (status,
// stop, pause, resume, heartbeat, item). The parts in PARTS are bundled apart, each loaded and
// compiled only when a line needs it: `run` with the supervisor, and the full parser with every
// other command. V8 scans every function of a script it loads: the whole program in one file took
// ~9 ms of a ~35 ms start; kept in the same file as a string it still cost ~4 ms. The standalone
// executable carries the parts as SEA assets (scripts/build.sh); an npm install reads them from
// beside OUT.
//
// ESM dependencies read import.meta.url (yargs: createRequire(import.meta.url)); in CommonJS output
// that is undefined, so it is defined from __filename by the banner. string-width (cliui's, for
// the help layout) is replaced by src/cli/string-width.ts: the package builds an Intl.Segmenter
// and a \p{RGI_Emoji} regex when loaded, ~30 ms of every start-up. graceful-fs (proper-lockfile's
// fs) is replaced by node:fs: src/util/plain-fs.cjs says why. signal-exit (proper-lockfile's, to
// release a lock at exit) loads node:assert for one check of its argument: ~4 ms of every command
// that takes a lock (assert's colours build process.stderr); the check is made without it.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [entry, outfile] = process.argv.slice(2);
const ROOT = path.resolve(import.meta.dirname, '..');
const PARTS_MODULE = path.join(ROOT, 'src/cli/fast/parts.ts');
/** Each loader of src/cli/fast/parts.ts, the module it loads, and the file that part is shipped as. */
const PARTS = [
  { loader: 'loadCold', entry: 'src/cli/cold.ts', file: 'safehalt-cold.cjs' },
  { loader: 'loadRunPart', entry: 'src/cli/run-command.ts', file: 'safehalt-run.cjs' },
];

/** signal-exit without node:assert: its one assert.equal, on the type of the callback, as a TypeError. */
const ASSERT_LINE = "var assert = require('assert')";
const signalExitPlugin = {
  name: 'signal-exit-without-assert',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]signal-exit[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(ASSERT_LINE)) throw new Error(`${args.path}: no "${ASSERT_LINE}" to replace (signal-exit changed?)`);
      const light = 'var assert = { equal: function (a, b, message) { if (a != b) throw new TypeError(message) } }';
      return { contents: text.replace(ASSERT_LINE, light), loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
  alias: { 'string-width': path.join(ROOT, 'src/cli/string-width.ts'), 'graceful-fs': path.join(ROOT, 'src/util/plain-fs.cjs') },
  logLevel: 'warning',
  absWorkingDir: ROOT,
};

/** In OUT, src/cli/fast/parts.ts becomes loaders of the part files, each compiled once on first use. */
const partsPlugin = {
  name: 'parts',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]cli[\\/]fast[\\/]parts\.ts$/ }, (args) => {
      if (path.resolve(args.path) !== PARTS_MODULE) return undefined;
      const contents = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const loaded = new Map();
/** A part's source: the SEA asset in the standalone executable, else the file beside this one. */
function source(file) {
  const sea = require('node:sea');
  return sea.isSea() ? sea.getAsset(file, 'utf8') : readFileSync(join(__dirname, file), 'utf8');
}
function load(file) {
  if (!loaded.has(file)) {
    const module = { exports: {} };
    const wrapped = '(function (exports, require, module, __filename, __dirname) {' + source(file) + '\\n})';
    const filename = join(__dirname, file);
    // The standalone executable's main script (packaging/sea/main.cjs) compiles it with its code cache.
    const compilePart = globalThis[Symbol.for('safehalt.compilePart')];
    const part = compilePart ? compilePart(file, wrapped, filename) : require('node:vm').runInThisContext(wrapped, { filename });
    part(module.exports, require, module, __filename, __dirname);
    loaded.set(file, module.exports);
  }
  return loaded.get(file);
}
${PARTS.map((p) => `export const ${p.loader} = async () => load(${JSON.stringify(p.file)});`).join('\n')}`;
      return { contents, loader: 'js' };
    });
  },
};

const out = path.resolve(outfile);
const assets = {};
for (const p of PARTS) {
  const file = path.join(path.dirname(out), p.file);
  await build({ ...common, entryPoints: [path.join(ROOT, p.entry)], outfile: file, plugins: [signalExitPlugin] });
  assets[p.file] = file;
}
await build({ ...common, entryPoints: [path.resolve(entry)], outfile: out, plugins: [partsPlugin, signalExitPlugin] });
// The entry too: the executable's main script (packaging/sea/main.cjs) compiles it from this asset.
assets[path.basename(out)] = out;
// The files scripts/build.sh gives the standalone executable as SEA assets.
writeFileSync(path.join(path.dirname(out), 'sea-assets.json'), JSON.stringify(assets));
