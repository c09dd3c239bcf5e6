#!/usr/bin/env node
// The --help texts, rendered by yargs at build time: node scripts/help-texts.mjs COLD_BUNDLE OUT
// (src/cli/fast/help.ts prints them). One per command and width, keyed "COMMAND@WIDTH", and for
// each command the SAFEHALT_* variables that would change its text (they become the defaults shown).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const [cold, out] = process.argv.slice(2);
for (const k of Object.keys(process.env)) if (k.startsWith('SAFEHALT_')) delete process.env[k];
const { main, optionNamesOf } = createRequire(import.meta.url)(path.resolve(cold));
const COMMANDS = ['run', 'status', 'stop', 'pause', 'resume', 'heartbeat', 'item', 'unit', 'completion'];

async function render(argv, width) {
  Object.defineProperty(process.stdout, 'columns', { value: width, configurable: true });
  let text = '';
  const write = process.stdout.write;
  process.stdout.write = (chunk) => ((text += chunk), true);
  try {
    const code = await main(argv);
    if (code !== 0) throw new Error(`safehalt ${argv.join(' ')} exited ${code}`);
  } finally {
    process.stdout.write = write;
  }
  return text;
}

const texts = {};
for (const width of [100, 110])
  for (const c of [null, ...COMMANDS]) texts[`${c ?? ''}@${width}`] = await render(c ? [c, '--help'] : ['--help'], width);
const env = Object.fromEntries(COMMANDS.map((c) => [c, optionNamesOf(c).map((o) => `SAFEHALT_${o.toUpperCase().replace(/-/g, '_')}`)]));
writeFileSync(out, JSON.stringify({ texts, env }));
