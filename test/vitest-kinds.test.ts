import { describe, expect, it } from 'vitest';
import { DEFERRED_SUITES, deferredSuites, kindProblems } from './support/kinds.js';
import { copyFixture, output, readReport, runVitest, type EnvName } from './support/projects.js';

const RUNS: Array<[EnvName, string[]]> = [
  ['vitest-4', []],
  ['vitest-4', ['--pool=threads']],
  ['vitest-4', ['--pool=vmThreads']],
  ['vitest-3', []],
  ['vitest-4.0', []],
  // Vitest 5 (Node 22) keeps its modules' source maps beside them: sites are mapped through those.
  ['vitest-5', []],
  ['vitest-5', ['--pool=vmThreads']],
];

describe('verdicts from repetition (fixtures/vitest-kinds)', () => {
  it.each(RUNS)('%s %j: leaks, warm-up, a bounded cache and a clean suite, each with its site', async (env, args) => {
    const dir = copyFixture(env, 'vitest-kinds');
    const result = await runVitest(env, dir, args);
    expect(result.code, output(result)).toBe(0);
    const report = readReport(dir);
    expect(kindProblems(report, 'ts'), output(result)).toEqual([]);
    expect(deferredSuites(dir)).toEqual(DEFERRED_SUITES);
    expect(result.stdout).toMatch(/HEAPLENS\s+16 tracked scopes: 8 leaked, 2 one-time, 1 bounded, 5 ok/);
    expect(result.stdout).toMatch(/↳ \+[\d.]+ KB per test over 20 tests, allocated at src\/tracing\.ts:8:\d+ .*per test [▁▂▃▄▅▆▇█]{18,20}/);
  });

  it('gives the same verdicts with snapshots on, and each leak\'s first culprit with its growing site', async () => {
    const dir = copyFixture('vitest-4', 'vitest-kinds');
    const result = await runVitest('vitest-4', dir, [], { cli: ['--heap-snapshots'] });
    expect(result.code, output(result)).toBe(0);
    expect(readReport(dir).scopes.filter((s) => s.verdict === 'leak' && s.snapshots).length).toBe(8);
    expect(kindProblems(readReport(dir), 'ts'), output(result)).toEqual([]);
    expect(result.stdout).toMatch(/1\. routeHandler \(closure\) ×5,700, retains [\d.]+ MB, allocated at src\/handlers\.ts:4:\d+ in \d+ tests/);
  });
});
