// Redraw the state diagram in README.md from src/machine/table.ts: npm run diagram
// (npm run diagram -- --check: exit 1 if the README's diagram is not the table's).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withDiagram } from '../src/machine/diagram.ts';

const file = path.join(import.meta.dirname, '..', 'README.md');
const readme = readFileSync(file, 'utf8');
const fresh = withDiagram(readme);
if (process.argv.includes('--check')) {
  if (fresh !== readme) {
    process.stderr.write('README.md: the state diagram is not the one src/machine/table.ts gives; run npm run diagram\n');
    process.exit(1);
  }
} else if (fresh !== readme) writeFileSync(file, fresh);
