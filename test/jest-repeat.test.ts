import { describe, expect, it } from 'vitest';
import { copyFixture, output, readReport, runJest, verdicts, type EnvName } from './support/projects.js';

// fixtures/jest-repeat: the twin of fixtures/vitest-repeat. Jest has no `repeats`: the repeat pass appends
// copies of a small scope's tests to its describe block, so they run again after the first pass.
describe('the repeat pass (fixtures/jest-repeat)', () => {
  it('without it, the threshold decides: a one-time 4 MB catalog is flagged and a small leak is not', async () => {
    const dir = copyFixture('jest-30', 'jest-repeat');
    const result = await runJest('jest-30', dir, []);
    expect(result.code, output(result)).toBe(0);
    expect(verdicts(readReport(dir))).toEqual({
      'test/leak.test.js :: ': 'leak',
      'test/small-leak.test.js :: ': 'ok',
      'test/warm-up.test.js :: ': 'leak',
    });
  });

  it.each<[EnvName, string[]]>([
    ['jest-30', []],
    ['jest-29', []],
    ['jest-30', ['--runInBand']],
  ])('%s %j: with it, warm-up is one-time and both leaks are leaks, at their site', async (env, args) => {
    const dir = copyFixture(env, 'jest-repeat');
    const result = await runJest(env, dir, [...args, '--verbose'], { cli: ['--heap-repeat'] });
    expect(result.code, output(result)).toBe(0);
    const report = readReport(dir);
    expect(verdicts(report), output(result)).toEqual({
      'test/leak.test.js :: ': 'leak',
      'test/small-leak.test.js :: ': 'leak',
      'test/warm-up.test.js :: ': 'one-time',
    });
    const scope = (file: string) => report.scopes.find((s) => s.file === file)!;
    expect(scope('test/leak.test.js')).toMatchObject({ tests: 3 });
    expect(scope('test/leak.test.js').reason).toMatch(/allocated at src\/audit\.js:4:\d+ \(record\(\)\) \(repeat pass: its test ran 3 times\)/);
    expect(scope('test/small-leak.test.js')).toMatchObject({ tests: 4 });
    // The copies run (and pass) as tests of their own, named as repeats.
    expect(result.stderr).toMatch(/Tests:\s+10 passed, 10 total/);
    expect(result.stderr).toContain('audits a checkout (heaplens repeat 3 of 3)');
  });
});
