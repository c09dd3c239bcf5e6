// Figures of the reliability suite (kills, cases, faults), printed and kept in
// build/reliability/NAME.json so that docs/reliability.md can quote a real run.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/cli.ts';

export function record(name: string, figures: Record<string, unknown>): void {
  const dir = path.join(ROOT, 'build/reliability');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(figures, null, 2) + '\n');
  console.log(`[reliability] ${name}: ${JSON.stringify(figures)}`);
}
