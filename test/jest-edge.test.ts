import { describe, expect, it } from 'vitest';
import { copyFixture, output, readReport, runJest, verdicts } from './support/projects.js';
import { reportProblems } from './support/report-shape.js';

// fixtures/jest-edge: an async config with two projects — jsdom with
// injectGlobals: false (a CommonJS and an ES module test file), and a custom
// environment with its own handleTestEvent — plus `include` globs, two
// describes with one title, a failing test, an environment docblock and
// trackHeap() called inside a test.
describe('jest edge cases', () => {
  it('measures every marked scope in both projects, ESM included', async () => {
    const dir = copyFixture('jest-30', 'jest-edge');
    const result = await runJest('jest-30', dir, ['-w', '2'], {
      env: { HEAPLENS_SNAPSHOTS: '1', NODE_OPTIONS: '--experimental-vm-modules --no-warnings' },
    });
    // One assertion fails on purpose; the docblock file fails to run (trackHeap() explains why).
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toMatch(/Tests:\s+1 failed, 8 passed, 9 total/);
    expect(result.stderr).toMatch(/PASS node node\/custom-env\.test\.js/);
    expect(result.stderr).toMatch(/PASS node node\/track-in-test\.test\.js/);
    // (Spelled in two parts: Vitest reads an environment docblock pragma anywhere in a test file.)
    const pragma = ['@jest', 'environment'].join('-');
    expect(result.stderr).toContain(
      `heaplens: ${dir}/node/docblock.test.js does not run in heaplens' test environment (a ${pragma} docblock replaced it)`,
    );

    const report = readReport(dir);
    expect(reportProblems(report)).toEqual([]);
    expect(report.runner.name).toBe('jest');
    expect(report.runner.version).toMatch(/^30\./);
    expect(verdicts(report)).toEqual({
      'dom/detached-nodes.test.js :: detached rows': 'leak',
      'dom/detached-nodes.test.js :: rows that are dropped': 'ok',
      'dom/esm-cache.test.mjs :: esm render cache': 'leak',
      'node/included.test.js :: ': 'leak',
      'node/custom-env.test.js :: the custom environment': 'ok',
      'node/failing.test.js :: a failing suite': 'ok',
      'node/nested.test.js :: outer > same title': 'ok',
    });
    expect(report.scopes.filter((s) => s.suite === 'outer > same title')).toHaveLength(2);

    const first = (suite: string) => report.scopes.find((s) => s.suite === suite)?.culprits[0]?.name;
    expect(first('detached rows')).toBe('HTMLTableRowElement');
    expect(first('esm render cache')).toBe('RenderResult');
    const journal = report.scopes.find((s) => s.file === 'node/included.test.js')!;
    expect(journal.culprits[0]!.path.join(' › ')).toContain('journal (Array)');

    // A failing test's errors come from its sandbox, yet its environment is
    // released once Jest has sent the result: never reported. Only an ES
    // module file may be listed (Node's vm module records hold those), and then
    // with a note that says so.
    for (const env of report.retainedEnvironments) {
      expect(env.file).toBe('dom/esm-cache.test.mjs');
      expect(env.note).toMatch(/vm module/);
    }
  });
});
