import { describe, expect, it } from 'vitest';
import { slugify } from '../src/core/naming.js';

const SAFE = /^[A-Za-z0-9._-]+$/;

describe('slugify', () => {
  it('keeps safe text as it is', () => {
    expect(slugify('my-suite_1.x')).toBe('my-suite_1.x');
  });

  it('turns slashes and backslashes into dashes', () => {
    expect(slugify('a/b')).toBe('a-b');
    expect(slugify('a\\b')).toBe('a-b');
  });

  it('cannot produce ..', () => {
    expect(slugify('..')).toBe('x');
    expect(slugify('../../etc/passwd')).toBe('etc-passwd');
    expect(slugify('a..b')).toBe('a.b');
  });

  it('replaces NUL and control characters', () => {
    expect(slugify('a\0b')).toBe('a-b');
    expect(slugify('a\u0001\u001f\nb')).toBe('a-b');
    expect(slugify('\0')).toBe('x');
  });

  it('strips accents and drops other non-ASCII characters', () => {
    expect(slugify('café ✓ 日本')).toBe('cafe');
    expect(slugify('naïve über test')).toBe('naive-uber-test');
  });

  it('never starts with a dot', () => {
    expect(slugify('.hidden')).toBe('hidden');
    expect(slugify('...env')).toBe('env');
  });

  it('is never empty', () => {
    expect(slugify('')).toBe('x');
    expect(slugify('   ')).toBe('x');
    expect(slugify('日本')).toBe('x');
  });

  it('caps long titles at 60 characters without a trailing separator', () => {
    expect(slugify('a'.repeat(500))).toBe('a'.repeat(60));
    expect(slugify(`${'a'.repeat(59)} b`)).toBe('a'.repeat(59));
    expect(slugify('abcdef', 3)).toBe('abc');
  });

  it('only ever yields safe characters', () => {
    for (const text of ['a/b', '..', '\0x', 'café ✓ 日本', '.x.', ' > ', 'a'.repeat(500)]) {
      expect(slugify(text)).toMatch(SAFE);
    }
  });
});
