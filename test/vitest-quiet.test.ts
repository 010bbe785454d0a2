import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, heaplensLines, output, readReport, runVitest } from './support/projects.js';

describe('a run with nothing tracked', () => {
  it('prints nothing from heaplens but still writes an empty report', async () => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    writeFileSync(join(dir, 'test', 'big-heap.test.ts'), "import { it, expect } from 'vitest';\nit('runs', () => expect(1).toBe(1));\n");
    const result = await runVitest('vitest-4', dir, []);
    expect(result.code, output(result)).toBe(0);
    expect(heaplensLines(result.stdout, dir)).toEqual([]);
    expect(heaplensLines(result.stderr, dir)).toEqual([]);
    const report = readReport(dir);
    expect(report.scopes).toEqual([]);
    expect(report.files).toEqual([]);
  });

  it('enabled: false turns trackHeap() into a no-op', async () => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    writeFileSync(
      join(dir, 'vitest.config.ts'),
      "import { defineConfig } from 'vitest/config';\nimport { heaplens } from 'heaplens/vitest';\n" +
        "export default defineConfig({ plugins: [heaplens({ enabled: false })], test: { include: ['test/**/*.test.ts'] } });\n",
    );
    const result = await runVitest('vitest-4', dir, []);
    expect(result.code, output(result)).toBe(0);
    expect(heaplensLines(result.stdout, dir)).toEqual([]);
  });
});
