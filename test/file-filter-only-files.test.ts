import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileFilter } from '../src/core/env.js';
import { HeaplensConfigError } from '../src/core/options.js';
import { onlyFiles as jestOnlyFiles } from '../src/jest/index.js';
import { onlyFiles as vitestOnlyFiles } from '../src/vitest/index.js';
import { scratchFiles } from './support/files.js';

// The CLI's second run (`--heap-snapshots`) names the files with a leak in HEAPLENS_FILES.
const { dir, file: listFile } = scratchFiles('heaplens-files-');

describe('readFileFilter', () => {
  it('is null when HEAPLENS_FILES is not set, else the list in the file it names', () => {
    expect(readFileFilter({})).toBeNull();
    expect(readFileFilter({ HEAPLENS_FILES: ' ' })).toBeNull();
    expect(readFileFilter({ HEAPLENS_FILES: listFile('ok.json', '["test/a.test.ts","test/b c.test.ts"]') })).toEqual(['test/a.test.ts', 'test/b c.test.ts']);
  });

  it('refuses a missing file or one without a list of paths, in one line naming the file', () => {
    const bad = listFile('bad.json', '{"files": 1}');
    for (const path of [join(dir, 'missing.json'), bad, listFile('torn.json', '["a.test.ts"')]) {
      let error: unknown;
      try {
        readFileFilter({ HEAPLENS_FILES: path });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(HeaplensConfigError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toContain('unset HEAPLENS_FILES');
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('onlyFiles (Jest): one more testPathIgnorePatterns entry', () => {
  const patterns = jestOnlyFiles(undefined, ['test/a.test.js', 'test/(b)+c.test.js'], '/proj');
  const ignored = (path: string) => patterns.some((p) => new RegExp(p).test(path));

  it("ignores every path but the listed ones, and keeps Jest's default (or the project's own) patterns", () => {
    expect(patterns[0]).toBe('/node_modules/');
    expect(ignored('/proj/test/a.test.js')).toBe(false);
    expect(ignored('/proj/test/(b)+c.test.js')).toBe(false);
    expect(ignored('/proj/test/other.test.js')).toBe(true);
    expect(ignored('/proj/test/a.test.jsx')).toBe(true);
    expect(ignored('/proj/test/aXtest.js')).toBe(true);
    expect(jestOnlyFiles(['/fixtures/'], ['a.test.js'], '/proj')[0]).toBe('/fixtures/');
  });
});

describe('onlyFiles (Vitest): the include globs', () => {
  it("names each file relative to the project's dir, glob characters escaped", () => {
    expect(vitestOnlyFiles(['test/a.test.ts', 'test/[id].test.ts'], '/proj', '/proj')).toEqual(['test/a.test.ts', 'test/\\[id\\].test.ts']);
    expect(vitestOnlyFiles(['packages/x/test/a.test.ts'], '/proj', '/proj/packages/x')).toEqual(['test/a.test.ts']);
  });
});
