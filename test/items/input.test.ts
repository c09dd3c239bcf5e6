// Batches read by filter and prune: ID or ID<TAB>HASH per line, every line checked first.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseLines, readHashesFile } from '../../src/items/input.ts';
import { tempDir } from '../helpers/cli.ts';

describe('parseLines', () => {
  it('reads IDs and ID<TAB>HASH, skips blank lines and drops a CR', () => {
    expect(parseLines('a\n\nb\tABCD\r\nc d\n', 'stdin')).toEqual([
      { id: 'a', hash: null, text: 'a' },
      { id: 'b', hash: 'abcd', text: 'b\tABCD' },
      { id: 'c d', hash: null, text: 'c d' },
    ]);
  });

  it('an empty hash field is no hash', () => {
    expect(parseLines('a\t\n', 'stdin')).toEqual([{ id: 'a', hash: null, text: 'a\t' }]);
  });

  it.each([
    ['control character', 'ok\n\u0001bad\n', /stdin line 2: .*control/],
    ['hash not hex', 'ok\nid\tnot-hex\n', /stdin line 2: .*hex/],
    ['ID too long', `${'x'.repeat(1025)}\n`, /stdin line 1: .*1024 bytes/],
    ['empty ID', '\tabcd\n', /stdin line 1: .*empty/],
  ])('a bad line is a usage error naming it: %s', (_, text, why) => {
    expect(() => parseLines(text, 'stdin')).toThrow(why);
  });
});

describe('readHashesFile', () => {
  it('maps IDs to hashes', () => {
    const f = path.join(tempDir(), 'hashes');
    writeFileSync(f, 'a\taa\nb\tBB\n');
    expect([...readHashesFile(f)]).toEqual([
      ['a', 'aa'],
      ['b', 'bb'],
    ]);
  });

  it('every line needs a hash; a missing file is a usage error', () => {
    const f = path.join(tempDir(), 'hashes');
    writeFileSync(f, 'a\taa\nb\n');
    expect(() => readHashesFile(f)).toThrow(/ID<TAB>HASH/);
    expect(() => readHashesFile(path.join(tempDir(), 'none'))).toThrow(/cannot read/);
  });
});
