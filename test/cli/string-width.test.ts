// src/cli/string-width.ts stands in for the string-width package in the bundle (scripts/build.sh):
// it must measure what cliui lays out as the package does.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import stringWidth from '../../src/cli/string-width.ts';
import packageWidth from 'string-width';

const SAMPLES = [
  '',
  'safehalt run [options] -- CMD [ARGS...]',
  '  --max-failures  FAILURE_SPIKE after N failures within --within  [string] [default: "10"]',
  '\u001B[1m\u001B[31mbold red\u001B[39m\u001B[22m',
  'status ≤ 1.5× --version → … — «quoted» café',
  'e\u0301 combining, zero\u200Bwidth, soft\u00ADhyphen',
  '日本語のテキスト', '한국어', '全角ＡＢＣ', '中文 mixed ASCII',
  'emoji 😀 🚀 ✅ ⌚', '\t tab and\ncontrol',
];

describe('string width for the help layout', () => {
  it.each(SAMPLES)('%j measures as string-width measures it', (s) => {
    expect(stringWidth(s)).toBe(packageWidth(s));
  });

  it('measures every line of the README the same', () => {
    const root = path.join(import.meta.dirname, '../..');
    const docs = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const f of docs)
      for (const line of readFileSync(path.join(root, f), 'utf8').split('\n')) expect([f, line, stringWidth(line)]).toEqual([f, line, packageWidth(line)]);
  });
});
