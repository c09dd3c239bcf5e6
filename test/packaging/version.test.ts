// One version everywhere: package.json's, printed by --version, named in CHANGELOG.md (which
// `npm run release` requires) and in the man page's header.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderMan } from '../../scripts/man.ts';
import { ROOT, cli } from '../helpers/cli.ts';

const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

describe('version', () => {
  it('--version prints package.json\'s version', async () => {
    expect((await cli(['--version'])).stdout.trim()).toBe(VERSION);
  });
  it('CHANGELOG.md has a dated entry for it', () => {
    expect(readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## \\[${VERSION.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
  });
  it('the man page carries it', () => {
    expect(renderMan().split('\n')[0]).toMatch(new RegExp(`^\\.TH SAFEHALT 1 "\\d{4}-\\d{2}-\\d{2}" "safehalt ${VERSION.replace(/\./g, '\\.')}"`));
  });
});
