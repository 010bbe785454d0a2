import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, output, readReport, runVitest } from './support/projects.js';

// In Vitest's forks pool every test file runs in a new process, so whatever heaplens' setup loads or
// builds at load time is paid again by every file, tracked or not. A file that tracks nothing must not
// load the Node modules only tracking needs (node:worker_threads for the thread id; node:crypto, which
// heaplens does not use any more, for names: ~1.6 and ~3 ms of every file).
const PROBE = `import { afterAll, it } from 'vitest';
import { writeFileSync } from 'node:fs';
afterAll(() => {
  writeFileSync(process.env.MODULES_OUT!, JSON.stringify(process.moduleLoadList));
});
it('tracks nothing', () => {});
`;

const WITHOUT_HEAPLENS = "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'] } });\n";

async function modulesOfUntrackedFile(dir: string): Promise<string[]> {
  const out = join(dir, 'modules.json');
  const result = await runVitest('vitest-4', dir, ['--pool=forks'], { env: { MODULES_OUT: out } });
  expect(result.code, output(result)).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

describe('a file that tracks nothing, in the forks pool', () => {
  it('loads no Node module for tracking that Vitest alone does not load', async () => {
    const plainDir = copyFixture('vitest-4', 'vitest-skip');
    writeFileSync(join(plainDir, 'vitest.config.ts'), WITHOUT_HEAPLENS);
    writeFileSync(join(plainDir, 'test', 'big-heap.test.ts'), PROBE);
    const plain = await modulesOfUntrackedFile(plainDir);

    // The fixture's tracked file stays: the run tracks, just not in the probe's process.
    const dir = copyFixture('vitest-4', 'vitest-skip');
    writeFileSync(join(dir, 'test', 'untracked.test.ts'), PROBE);
    const withHeaplens = await modulesOfUntrackedFile(dir);
    expect(readReport(dir).scopes.map((s) => s.suite)).toEqual(['suite on a heap too big to snapshot']);

    for (const module of ['NativeModule crypto', 'NativeModule worker_threads']) {
      if (!plain.includes(module)) expect(withHeaplens, module).not.toContain(module);
    }
    // The probe itself proves it ran where it should: it saw Vitest's own modules.
    expect(plain).toContain('NativeModule vm');
  });
});
