import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/sha256.ts';

const node = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 digests of the standard vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with node:crypto at every length around the block and padding edges', () => {
    for (let n = 0; n <= 300; n++) expect(sha256Hex('x'.repeat(n))).toBe(node('x'.repeat(n)));
  });

  it('hashes the UTF-8 bytes: non-ASCII, astral and lone surrogates as node:crypto does', () => {
    for (const s of ['é', 'owner/repo#42', '日本語のID', '😀 emoji', '\ud800 lone', 'a\u0000b', 'ü'.repeat(1024)]) expect(sha256Hex(s)).toBe(node(s));
  });

  it('agrees with node:crypto on random strings', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 500; i++) {
      const s = Array.from({ length: Math.floor(rnd() * 200) }, () => String.fromCodePoint(Math.floor(rnd() * (rnd() < 0.8 ? 128 : 0x10ffff)) & ~0x800)).join('');
      expect(sha256Hex(s)).toBe(node(s));
    }
  });
});

describe('itemKey', () => {
  it('gives the same keys before and after it switches to node:crypto', async () => {
    const { itemKey } = await import('../../src/items/id.ts');
    for (let i = 0; i < 300; i++) expect(itemKey(`owner/repo#${i}`)).toBe(node(`owner/repo#${i}`));
  });
});
