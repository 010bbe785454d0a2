import { describe, expect, it } from 'vitest';
import { HeaplensConfigError, resolveOptions } from '../src/core/options.js';

const root = '/proj';
const where = 'vitest.config.ts';

function errorOf(input: unknown, overrides = {}): HeaplensConfigError {
  try {
    resolveOptions(input, root, overrides, where);
  } catch (error) {
    expect(error).toBeInstanceOf(HeaplensConfigError);
    return error as HeaplensConfigError;
  }
  throw new Error('resolveOptions did not throw');
}

describe('resolveOptions validation', () => {
  it.each([
    ['include', { include: 'test/**' }],
    ['include', { include: ['ok', ''] }],
    ['include', { include: [1] }],
    ['threshold', { threshold: 'big' }],
    ['threshold', { threshold: -1 }],
    ['threshold', { threshold: null }],
    ['snapshotMaxHeap', { snapshotMaxHeap: '1TB' }],
    ['snapshots', { snapshots: 'yes' }],
    ['failOnLeak', { failOnLeak: 1 }],
    ['enabled', { enabled: 'false' }],
    ['outDir', { outDir: '' }],
    ['outDir', { outDir: '   ' }],
    ['outDir', { outDir: 42 }],
    ['keepSnapshots', { keepSnapshots: 'none' }],
    ['snapshotTimeBudget', { snapshotTimeBudget: 0 }],
    ['snapshotTimeBudget', { snapshotTimeBudget: '2h' }],
    ['snapshotTimeBudget', { snapshotTimeBudget: -5 }],
    ['keepSnapshots', { keepSnapshots: true }],
  ])("rejects a bad '%s' in one line naming the option and file", (option, input) => {
    const error = errorOf(input);
    expect(error.name).toBe('HeaplensConfigError');
    expect(error.message).toContain(`'${option}'`);
    expect(error.message).toContain(`Fix it in ${where}.`);
    expect(error.message).not.toContain('\n');
  });

  it('rejects a bad HEAPLENS_KEEP_SNAPSHOTS by its name, pointing at the environment', () => {
    expect(errorOf({}, { keepSnapshots: 'some' }).message).toBe(
      "heaplens: HEAPLENS_KEEP_SNAPSHOTS must be 'flagged' or 'all' (got 'some'). Fix it in the environment (or the --keep-snapshots flag).",
    );
  });

  it('rejects options that are not an object', () => {
    expect(errorOf('1MB').message).toBe(
      "heaplens: options must be an object like { threshold: '1MB' } (got '1MB'). Fix it in vitest.config.ts.",
    );
    expect(errorOf([]).message).toContain('(got [])');
  });

  it('rejects unknown keys by name', () => {
    const message = errorOf({ treshold: '1MB' }).message;
    expect(message).toContain("unknown option 'treshold'");
    expect(message).toContain('Fix it in vitest.config.ts.');
  });

  it('shows the bad value', () => {
    expect(errorOf({ threshold: 'big' }).message).toBe(
      "heaplens: option 'threshold' must be a byte count like 1048576 or '1MB' (got 'big'). Fix it in vitest.config.ts.",
    );
  });

  it.each(['.', './', 'sub/..', '/proj'])('rejects outDir %j that is the project root', (outDir) => {
    expect(errorOf({ outDir }).message).toContain('must not be the project root');
  });

  it("rejects '/' as outDir", () => {
    expect(errorOf({ outDir: '/' }).message).toContain('must not be the project root');
  });

  it('validates an outDir override too', () => {
    expect(errorOf({}, { outDir: '.' }).message).toContain("option 'outDir'");
  });

  it('uses a default place in messages', () => {
    expect(() => resolveOptions({ nope: 1 }, root)).toThrow('Fix it in your test config.');
  });
});

describe('resolveOptions edge cases', () => {
  const root = '/proj';
  it('rejects an absolute outDir that resolves to the root or /', () => {
    for (const outDir of ['/proj/', '/proj/.', '/proj/x/..', '//']) {
      expect(() => resolveOptions({ outDir }, root), outDir).toThrow(HeaplensConfigError);
    }
  });

  it('reports a BigInt threshold as a config error, not a TypeError', () => {
    expect(() => resolveOptions({ threshold: 10n }, root)).toThrow(HeaplensConfigError);
  });

  it('keeps the message on one line when the value holds a newline', () => {
    try {
      resolveOptions({ threshold: 'a\nb' }, root, {}, 'vitest.config.ts');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toContain("'a\\nb'");
    }
  });

  it('rejects include: null', () => {
    expect(() => resolveOptions({ include: null }, root)).toThrow(/include/);
  });
});
