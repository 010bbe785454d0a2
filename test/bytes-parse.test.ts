import { describe, expect, it } from 'vitest';
import { parseBytes } from '../src/core/bytes.js';

describe('parseBytes', () => {
  it('takes numbers as bytes, rounded', () => {
    expect(parseBytes(0)).toBe(0);
    expect(parseBytes(1048576)).toBe(1048576);
    expect(parseBytes(1.4)).toBe(1);
    expect(parseBytes(1.5)).toBe(2);
  });

  it('reads binary units', () => {
    expect(parseBytes('512kb')).toBe(524288);
    expect(parseBytes('2MB')).toBe(2097152);
    expect(parseBytes('1.5 GiB')).toBe(1610612736);
    expect(parseBytes('3kib')).toBe(3072);
    expect(parseBytes('1mib')).toBe(1048576);
    expect(parseBytes('1gb')).toBe(1073741824);
    expect(parseBytes('7b')).toBe(7);
  });

  it('treats a bare number string as bytes', () => {
    expect(parseBytes('100')).toBe(100);
    expect(parseBytes('0')).toBe(0);
  });

  it('ignores case and surrounding whitespace', () => {
    expect(parseBytes('2Mb')).toBe(2097152);
    expect(parseBytes('2mB')).toBe(2097152);
    expect(parseBytes('  2 mb  ')).toBe(2097152);
    expect(parseBytes('\t1KB\n')).toBe(1024);
  });

  it.each([
    ['negative number', -1],
    ['negative string', '-1kb'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['empty string', ''],
    ['blank string', '   '],
    ['garbage', 'lots'],
    ['unit only', 'mb'],
    ['unknown unit', '10tb'],
    ['exponent', '1e3'],
    ['leading dot', '.5kb'],
    ['two numbers', '1 2 mb'],
    ['null', null],
    ['undefined', undefined],
    ['boolean', true],
    ['object', { value: 1 }],
  ])('returns undefined for %s', (_label, value) => {
    expect(parseBytes(value)).toBeUndefined();
  });
});
