#!/usr/bin/env node
// Bundle safehalt: node scripts/bundle.mjs ENTRY OUT  (writes OUT and OUT's cold half beside it)
//
// Two bundles. OUT is src/entry.ts with the fast path (src/cli/fast/) and the hot commands it runs
// (status, stop, pause, resume, heartbeat, item). The full parser, every other command and the
// status watcher (src/cli/cold.ts and all it imports) are bundled apart into COLD (OUT with
// "-cold" before ".cjs"), loaded and compiled only when the fast path does not run a line itself.
// V8 scans every function of a script it loads: the whole program in one file took ~9 ms of a
// ~35 ms start; kept in the same file as a string it still cost ~4 ms. The standalone executable
// carries COLD as a SEA asset (scripts/build.sh); an npm install reads it from beside OUT.
//
// ESM dependencies read import.meta.url (yargs: createRequire(import.meta.url)); in CommonJS output
// that is undefined, so it is defined from __filename by the banner. string-width (cliui's, for
// the help layout) is replaced by src/cli/string-width.ts: the package builds an Intl.Segmenter
// and a \p{RGI_Emoji} regex when loaded, ~30 ms of every start-up. graceful-fs (proper-lockfile's
// fs) is replaced by node:fs: src/util/plain-fs.cjs says why.
import { build } from 'esbuild';
import path from 'node:path';

const [entry, outfile] = process.argv.slice(2);
const coldPath = (out) => out.replace(/(\.cjs)?$/, '-cold.cjs');
const ROOT = path.resolve(import.meta.dirname, '..');
const COLD_LOADER = path.join(ROOT, 'src/cli/fast/cold-main.ts');

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

/** In OUT, src/cli/fast/cold-main.ts becomes a loader of COLD. */
const coldPlugin = (coldName) => ({
  name: 'cold-main',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]cli[\\/]fast[\\/]cold-main\.ts$/ }, (args) => {
      if (path.resolve(args.path) !== COLD_LOADER) return undefined;
      const contents = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
let loaded;
/** The source of COLD: the SEA asset in the standalone executable, else the file beside this one. */
function coldSource() {
  const sea = require('node:sea');
  return sea.isSea() ? sea.getAsset(${JSON.stringify(coldName)}, 'utf8') : readFileSync(join(__dirname, ${JSON.stringify(coldName)}), 'utf8');
}
/** The exports of src/cli/cold.ts, compiled once on first use. */
export async function loadCold() {
  if (!loaded) {
    const module = { exports: {} };
    const fn = require('node:vm').runInThisContext('(function (exports, require, module, __filename, __dirname) {' + coldSource() + '\\n})', { filename: join(__dirname, ${JSON.stringify(coldName)}) });
    fn(module.exports, require, module, __filename, __dirname);
    loaded = module.exports;
  }
  return loaded;
}`;
      return { contents, loader: 'js' };
    });
  },
});

const out = path.resolve(outfile);
const cold = coldPath(out);
await build({ ...common, entryPoints: [path.join(ROOT, 'src/cli/cold.ts')], outfile: cold });
await build({ ...common, entryPoints: [path.resolve(entry)], outfile: out, plugins: [coldPlugin(path.basename(cold))] });
