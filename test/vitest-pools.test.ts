import { describe, expect, it } from 'vitest';
import { LEAKS_FIXTURE_VERDICTS } from './support/expected.js';
import { copyFixture, output, readReport, runVitest, verdicts } from './support/projects.js';
import { reportProblems } from './support/report-shape.js';

// Real Vitest 4 on fixtures/vitest-leaks in every pool: each leaking suite is
// flagged, no clean one is, and measurements come from the worker that ran it.
const runs: Array<{ name: string; args: string[]; threads: boolean }> = [
  { name: 'forks', args: ['--pool=forks'], threads: false },
  { name: 'threads', args: ['--pool=threads'], threads: true },
  { name: 'vmThreads', args: ['--pool=vmThreads'], threads: true },
  { name: 'vmForks', args: ['--pool=vmForks'], threads: false },
  { name: 'forks, isolate: false', args: ['--pool=forks', '--no-isolate'], threads: false },
  { name: 'threads, isolate: false', args: ['--pool=threads', '--no-isolate'], threads: true },
];

describe.each(runs)('vitest 4, pool $name', ({ args, threads }) => {
  it('flags every leaking suite and no clean one', async () => {
    const dir = copyFixture('vitest-4', 'vitest-leaks');
    const result = await runVitest('vitest-4', dir, args);
    expect(result.code, output(result)).toBe(0);

    const report = readReport(dir);
    expect(reportProblems(report)).toEqual([]);
    expect(verdicts(report)).toEqual(LEAKS_FIXTURE_VERDICTS);
    expect(report.runner).toEqual({ name: 'vitest', version: '4.1.12' });
    expect(report.snapshots).toBe(false);
    expect(report.files).toEqual([]);

    for (const scope of report.scopes) {
      // Threads pools measure inside a worker thread, never on the main thread.
      if (threads) expect(scope.worker.threadId, scope.suite).toBeGreaterThan(0);
      else expect(scope.worker.threadId, scope.suite).toBe(0);
      expect(scope.worker.workerId).toMatch(/^\d+$/);
      expect(scope.snapshots).toBeNull();
    }
    const samples = report.scopes.find((s) => s.suite === 'sample store')!;
    // 40 × 256 KiB Float64Arrays live outside the JS heap.
    expect(samples.memory!.external.growth).toBeGreaterThan(10 * 1024 * 1024 - 64 * 1024);

    // The terminal report: flagged first, then the rest.
    const text = result.stdout;
    expect(text).toContain('HEAPLENS');
    expect(text).toContain('5 leaked');
    const firstOk = text.search(/^\s+ok\s/m);
    const lastLeak = Math.max(...[...text.matchAll(/^\s+LEAK\s/gm)].map((m) => m.index ?? 0));
    expect(firstOk).toBeGreaterThan(lastLeak);
  });
});
