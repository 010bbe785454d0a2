import { describe, expect, it } from 'vitest';
import { copyFixture, output, readReport, runVitest, verdicts } from './support/projects.js';

// fixtures/vitest-repeat: files of one or two tests, where one pass cannot show a trend and the threshold
// decides. The repeat pass (`--heap-repeat`) runs their tests again (Vitest's `repeats`) and judges them by
// what repeats.
describe('the repeat pass (fixtures/vitest-repeat)', () => {
  it('without it, the threshold decides: a one-time 4 MB catalog is flagged and a small leak is not', async () => {
    const dir = copyFixture('vitest-4', 'vitest-repeat');
    const result = await runVitest('vitest-4', dir, []);
    expect(result.code, output(result)).toBe(0);
    const report = readReport(dir);
    expect(verdicts(report)).toEqual({
      'test/leak.test.ts :: ': 'leak',
      'test/small-leak.test.ts :: ': 'ok',
      'test/warm-up.test.ts :: ': 'leak',
    });
    expect(report.scopes.find((s) => s.file === 'test/warm-up.test.ts')!.reason).toMatch(/1 test cannot show a trend, so the threshold/);
  });

  it.each([
    ['vitest-4', []],
    ['vitest-3', []],
  ] as const)('%s: with it, warm-up is one-time and both leaks are leaks, at their site', async (env, args) => {
    const dir = copyFixture(env, 'vitest-repeat');
    const result = await runVitest(env, dir, [...args], { cli: ['--heap-repeat'] });
    expect(result.code, output(result)).toBe(0);
    const report = readReport(dir);
    expect(verdicts(report), output(result)).toEqual({
      'test/leak.test.ts :: ': 'leak',
      'test/small-leak.test.ts :: ': 'leak',
      'test/warm-up.test.ts :: ': 'one-time',
    });
    const scope = (file: string) => report.scopes.find((s) => s.file === file)!;
    expect(scope('test/leak.test.ts')).toMatchObject({ tests: 3 });
    expect(scope('test/leak.test.ts').reason).toMatch(/allocated at src\/audit\.ts:4:\d+ \(record\(\)\) \(repeat pass: its test ran 3 times\)/);
    expect(scope('test/small-leak.test.ts')).toMatchObject({ tests: 4 });
    expect(scope('test/small-leak.test.ts').reason).toContain('(repeat pass: each of its 2 tests ran 2 times)');
    expect(scope('test/warm-up.test.ts').reason).toMatch(/one-time \(warm-up, first use\) at src\/catalog\.ts:[45]:\d+/);
    // Vitest reports each test once, whatever the repeats.
    expect(result.stdout).toMatch(/Tests\s+4 passed \(4\)/);
  });
});
