#!/usr/bin/env node
// The standalone executable: node scripts/sea.mjs BUNDLE OUTPUT TARGET SEA_CONFIG_JSON
//
// pkg's simple SEA mode (a plain script, Node's own SEA loader, no VFS bootstrap) is what we want,
// but its command line passes no SEA config, and `pkg --config` switches to the enhanced mode (its
// own bootstrap and file system, which forwards only useCodeCache). So this calls the simple mode's
// function with the SEA config: assets (the cold half of the bundle) and execArgv.
import { createRequire } from 'node:module';

const [bundle, output, target, configJson] = process.argv.slice(2);
const m = /^(node[\d.]+)-(\w+)-(\w+)$/.exec(target ?? '');
if (!bundle || !output || !m || !configJson) {
  process.stderr.write('usage: node scripts/sea.mjs BUNDLE OUTPUT nodeX.Y.Z-PLATFORM-ARCH SEA_CONFIG_JSON\n');
  process.exit(64);
}
const { default: sea } = createRequire(import.meta.url)('@yao-pkg/pkg/lib-es5/sea.js');
await sea(bundle, { targets: [{ nodeRange: m[1], platform: m[2], arch: m[3], output }], seaConfig: JSON.parse(configJson) });
