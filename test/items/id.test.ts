// Item IDs and content hashes at the edge: what is refused (exit 64), what is accepted as is.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { idProblem, itemKey, parseContentHash, validClass, validId, MAX_ID_BYTES } from '../../src/items/id.ts';
import { shellArg } from '../../src/items/actions.ts';
import { UserError } from '../../src/exit-codes.ts';

describe('item IDs', () => {
  it.each([
    ['owner/repo#42'],
    ['../../etc/passwd'],
    ['/var/spool/inbox/mail 1.eml'],
    ['https://example.com/a?b=c#d'],
    ['.'],
    ['..'],
    ['-42'],
    ['ünïcödé ✓'],
    ['x'.repeat(MAX_ID_BYTES)],
  ])('%# is a valid ID', (id) => {
    expect(idProblem(id)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['a\nb', /control characters.*U\+000A/],
    ['a\u0000b', /U\+0000/],
    ['tab\there', /U\+0009/],
    ['cr\r', /U\+000D/],
    ['del\u007f', /U\+007F/],
    ['c1\u0085', /U\+0085/],
    ['x'.repeat(MAX_ID_BYTES + 1), /at most 1024 bytes, got 1025/],
    ['é'.repeat(513), /at most 1024 bytes, got 1026/],
  ])('%# is refused: %s', (id, why) => {
    expect(idProblem(id)).toMatch(why);
    expect(() => validId(id)).toThrow(UserError);
    try {
      validId(id);
    } catch (e) {
      expect((e as UserError).exitCode).toBe(64);
    }
  });

  it('any string with a control character is refused, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 0x1f }), fc.string(), (a, c, b) => {
        expect(idProblem(a + String.fromCharCode(c) + b)).not.toBeNull();
      }),
    );
  });

  it('the storage key is the SHA-256 of the ID: 64 hex digits, whatever the ID holds', () => {
    expect(itemKey('owner/repo#42')).toBe('9d2b21ac4ca2efd7eac0587d3a0f2ff34eeb068532826d0f381d310fc9a483da');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (id) => {
        expect(itemKey(id)).toMatch(/^[0-9a-f]{64}$/);
      }),
    );
  });
});

describe('content hashes', () => {
  it.each([
    ['abc123', 'abc123'],
    ['ABCDEF', 'abcdef'],
    ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['0123456789abcdef *file.bin', '0123456789abcdef'],
    ['  beef\n', 'beef'],
  ])('%j reads as %s', (text, hash) => {
    expect(parseContentHash(text)).toEqual({ hash });
  });

  it.each([[''], ['xyz'], ['12ab zz'], ['0x12ab'], ['12-34'], ['a'.repeat(129)]])('%# is refused', (text) => {
    expect(parseContentHash(text)).toHaveProperty('problem');
  });
});

describe('classes and hints', () => {
  it('a class is short text without control characters', () => {
    expect(validClass('exit:1')).toBe('exit:1');
    expect(() => validClass('')).toThrow(UserError);
    expect(() => validClass('a\nb')).toThrow(UserError);
    expect(() => validClass('x'.repeat(201))).toThrow(UserError);
  });

  it.each([
    ['owner/repo#42', 'owner/repo#42'],
    ['#42', "'#42'"],
    ["it's", "'it'\\''s'"],
    ['-x', '-- -x'],
    ['a b', "'a b'"],
  ])('the reset hint quotes %j as %s', (id, word) => {
    expect(shellArg(id)).toBe(word);
  });
});
