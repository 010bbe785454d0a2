import { describe, expect, it } from 'vitest';
import { formatBytes, formatDelta } from '../src/core/bytes.js';

describe('formatBytes', () => {
  it('prints bytes without decimals below 1 KB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(1023)).toBe('1023 B');
  });

  it('switches to KB at 1024 with one decimal', () => {
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });

  it('drops the decimal from 100 units up', () => {
    expect(formatBytes(100 * 1024)).toBe('100 KB');
    expect(formatBytes(500 * 1024)).toBe('500 KB');
  });

  it('switches to MB at 1024 KB and GB at 1024 MB', () => {
    expect(formatBytes(1024 * 1024)).toBe('1.0 MB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(formatBytes(1024 ** 3)).toBe('1.0 GB');
  });

  it('keeps the sign of negative counts', () => {
    expect(formatBytes(-12)).toBe('-12 B');
    expect(formatBytes(-1536)).toBe('-1.5 KB');
    expect(formatBytes(-320 * 1024)).toBe('-320 KB');
  });
});

describe('formatDelta', () => {
  it('always shows a sign', () => {
    expect(formatDelta(0)).toBe('+0 B');
    expect(formatDelta(12)).toBe('+12 B');
    expect(formatDelta(1.5 * 1024 * 1024)).toBe('+1.5 MB');
  });

  it('shows a single minus for negatives', () => {
    expect(formatDelta(-1)).toBe('-1 B');
    expect(formatDelta(-12 * 1024)).toBe('-12.0 KB');
  });
});

describe('formatBytes near unit boundaries', () => {
  it('moves up a unit when rounding would print 1024', () => {
    expect(formatBytes(1048575)).toBe('1.0 MB');
    expect(formatBytes(1024 ** 3 - 1)).toBe('1.0 GB');
  });

  it('drops the decimal when rounding reaches 100', () => {
    expect(formatBytes(102399)).toBe('100 KB');
  });
});
