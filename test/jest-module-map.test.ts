import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, output, runJest } from './support/projects.js';

// heaplens writes JSON records into outDir while Jest runs, and JSON is a
// module extension to Jest: withHeaplens() keeps outDir out of the haste map
// (modulePathIgnorePatterns), or every run re-reads them with extra workers.
describe("Jest's module map", () => {
  it('ignores outDir in the config Jest resolves, and nothing else of the project', async () => {
    const dir = copyFixture('jest-30', 'jest-kinds');
    const result = await runJest('jest-30', dir, ['--showConfig']);
    expect(result.code, output(result)).toBe(0);
    const shown = JSON.parse(result.stdout) as { configs: { rootDir: string; modulePathIgnorePatterns: string[] }[] };
    expect(shown.configs).toHaveLength(1);
    const patterns = shown.configs[0]!.modulePathIgnorePatterns.map((p) => new RegExp(p));
    const ignored = (path: string) => patterns.some((p) => p.test(path));
    expect(ignored(join(dir, '.heaplens', 'environments', 'test-sessions.test.js.json'))).toBe(true);
    expect(ignored(join(dir, 'test', 'sessions.test.js'))).toBe(false);
    expect(ignored(join(dir, 'package.json'))).toBe(false);
  });
});
