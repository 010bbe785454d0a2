import { describe, expect, it } from 'vitest';
import { kindProblems } from './support/kinds.js';
import { copyFixture, output, readReport, runJest, type EnvName } from './support/projects.js';

const RUNS: Array<[EnvName, string[]]> = [
  ['jest-30', ['-w', '2']],
  ['jest-30', ['-w', '2', '--workerThreads']],
  ['jest-30', ['--runInBand']],
  ['jest-29', ['-w', '2']],
];

describe('verdicts from repetition (fixtures/jest-kinds)', () => {
  it.each(RUNS)('%s %j: leaks, warm-up, a bounded cache and a clean suite, each with its site', async (env, args) => {
    const dir = copyFixture(env, 'jest-kinds');
    const result = await runJest(env, dir, args);
    expect(result.code, output(result)).toBe(0);
    expect(kindProblems(readReport(dir), 'js'), output(result)).toEqual([]);
    expect(result.stderr).toMatch(/HEAPLENS\s+9 tracked scopes: 5 leaked, 1 one-time, 1 bounded, 2 ok/);
  });
});
