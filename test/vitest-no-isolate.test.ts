import { describe, expect, it } from 'vitest';
import { copyFixture, output, readReport, runVitest, verdicts, type EnvName } from './support/projects.js';

// `isolate: false`: one worker runs every file, and Node loads heaplens' setup file (in node_modules) once.
// The files listed by `include` must each still be tracked: the plugin's per-file setup module registers
// their hooks before every file.
const RUNS: Array<[EnvName, string[]]> = [
  ['vitest-4', ['--no-isolate', '--maxWorkers=1']],
  ['vitest-4', ['--no-isolate', '--maxWorkers=1', '--pool=threads']],
  ['vitest-3', ['--no-isolate', '--maxWorkers=1', '--minWorkers=1']],
  ['vitest-5', ['--no-isolate', '--maxWorkers=1']],
];

describe('include with isolate: false (fixtures/vitest-repeat)', () => {
  it.each(RUNS)('%s %j: every included file is tracked, in one worker', async (env, args) => {
    const dir = copyFixture(env, 'vitest-repeat');
    const result = await runVitest(env, dir, args);
    expect(result.code, output(result)).toBe(0);
    const report = readReport(dir);
    expect(verdicts(report), output(result)).toEqual({
      'test/leak.test.ts :: ': 'leak',
      'test/small-leak.test.ts :: ': 'ok',
      'test/warm-up.test.ts :: ': 'leak',
    });
    // One worker ran all three files.
    expect(new Set(report.scopes.map((s) => `${s.worker.pid}/${s.worker.threadId}`)).size, output(result)).toBe(1);
  });
});
