// The README's table of real messages by class: every quoted message is in a recorded fixture (ports
// shown as PORT), and falls into the class of its row. The exec row is checked on exit code 127.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/policy/classify.ts';
import { FIXTURES, ROOT } from '../helpers/cli.ts';
import { cfg } from '../policy/helpers.ts';

const ports = (s: string) => s.replace(/\b\d{4,5}\b/g, 'PORT');
const DIR = path.join(FIXTURES, 'clients');
const corpus = readdirSync(DIR)
  .flatMap((c) => readdirSync(path.join(DIR, c)).map((f) => ports(JSON.parse(readFileSync(path.join(DIR, c, f), 'utf8')).stderr)))
  .join('\n');

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const table = readme.slice(readme.indexOf('| class | condition | real messages (client) |')).split('\n\n')[0];
const rows = table
  .split('\n')
  .slice(2)
  .map((l) => l.split(' | '))
  .map(([cls, , msgs]) => ({ cls: cls.replace(/^\| `|`.*$/g, ''), msgs: [...msgs.matchAll(/`([^`]+)`/g)].map((m) => m[1]) }));

describe("README: the built-in classes' real messages", () => {
  it('has a row for each built-in class', () => {
    expect(new Set(rows.map((r) => r.cls))).toEqual(new Set(['transport', 'rate-limit', 'auth', 'exec', 'exit:N']));
  });
  it.each(rows.flatMap((r) => r.msgs.map((m) => [r.cls, m] as const)))('%s: %s', (cls, msg) => {
    const code = cls === 'exec' ? 127 : 22;
    if (cls !== 'exec') expect(corpus).toContain(ports(msg));
    expect(classify({ code, signal: null, durationMs: 1e6, stderrTail: msg }, cfg({ mode: 'loop' }))).toBe(cls === 'exit:N' ? 'exit:22' : cls);
  });
});
