import { describe, expect, it } from 'vitest';
import { filesToExplain, mergeExplained, NOT_RERUN, ranInWorkers, RERUN_MISSED, scopesToExplain, withoutExplanation } from '../src/report/merge-explained.js';
import type { ReportCulprit, ReportEnvironment } from '../src/report/schema.js';
import { MB, report, scope } from './support/reports.js';

const culprit: ReportCulprit = { name: 'PriceQuote', count: 3, size: 96, retainedSize: 2 * MB, path: ['(GC roots)', 'PriceQuote'], paths: [], heldIn: null, site: null, tests: null };
const pair = (name: string) => ({ before: `snapshots/${name}__before.heapsnapshot`, after: `snapshots/${name}__after.heapsnapshot`, baselineAfterTests: 0 });
const environment = (file: string, snapshot: string | null): ReportEnvironment => ({ file, worker: { threadId: 0, pid: 7, workerId: '1' }, path: snapshot ? ['(GC roots)'] : [], bytes: null, snapshot, note: null });
const file = (path: string, bytes: number) => ({ path, bytes });

describe('filesToExplain', () => {
  it('lists each file with a leak, or with a retained environment no snapshot explains, once and sorted', () => {
    const first = report({
      scopes: [scope('leak', 'b.test.ts', 'B', 2 * MB), scope('leak', 'b.test.ts', 'B2', 2 * MB), scope('one-time', 'c.test.ts', 'C', 2 * MB), scope('ok', 'a.test.ts', 'A', 0)],
      retainedEnvironments: [environment('d.test.ts', null), environment('e.test.ts', 'snapshots/e__environment.heapsnapshot')],
    });
    expect(filesToExplain(first)).toEqual(['b.test.ts', 'd.test.ts']);
    expect(filesToExplain(report({ scopes: [scope('ok', 'a.test.ts', 'A', 0)] }))).toEqual([]);
  });
});

describe('ranInWorkers', () => {
  const at = (threadId: number, pid: number) => ({ ...scope('leak', 'a.test.ts', 'A', 2 * MB), worker: { threadId, pid, workerId: '1' } });
  it('is true for two processes or a worker thread among the scopes and environments, false for one main thread (in band)', () => {
    expect(ranInWorkers(report({ scopes: [at(0, 7), at(0, 7)] }))).toBe(false);
    expect(ranInWorkers(report({ scopes: [at(0, 7), at(0, 8)] }))).toBe(true);
    expect(ranInWorkers(report({ scopes: [at(0, 8)], retainedEnvironments: [environment('d.test.ts', null)] }))).toBe(true);
    expect(ranInWorkers(report({ scopes: [at(2, 7)] }))).toBe(true);
    expect(ranInWorkers(report())).toBe(false);
  });
});

describe('scopesToExplain', () => {
  it('names the leaking scopes only, by file and suite, for HEAPLENS_SNAPSHOT_SCOPES', () => {
    const first = report({ scopes: [scope('leak', 'b.test.ts', 'B', 2 * MB), scope('one-time', 'b.test.ts', 'C', 2 * MB), scope('ok', 'b.test.ts', '', 0), scope('leak', 'a.test.ts', '', 2 * MB)] });
    expect(scopesToExplain(first)).toEqual([['b.test.ts', 'B'], ['a.test.ts', '']]);
  });
});

describe('mergeExplained', () => {
  const first = report({
    scopes: [
      scope('leak', 'a.test.ts', 'cache', 3 * MB),
      scope('ok', 'a.test.ts', 'clean', 0),
      scope('ok', 'a.test.ts', 'unnamed', 0),
      scope('ok', 'b.test.ts', 'other', 0),
      scope('leak', 'c.test.ts', 'gone', 2 * MB),
    ],
    retainedEnvironments: [environment('e.test.ts', 'snapshots/e__environment__1.heapsnapshot'), environment('a.test.ts', null)],
    files: [file('snapshots/e__environment__1.heapsnapshot', 30)],
    snapshotFiles: { keep: 'flagged', written: 1, writtenBytes: 30, kept: 1, keptBytes: 30 },
    analysis: { jobs: 1, peakBytes: 40 * MB },
  });
  const second = report({
    outDir: '/proj/.heaplens/explain',
    scopes: [
      { ...scope('leak', 'a.test.ts', 'cache', 3 * MB), culprits: [culprit], snapshots: pair('cache') },
      { ...scope('ok', 'a.test.ts', 'clean', 0), snapshotsSkipped: 'no after snapshot: clean' },
      // Run again without snapshots (HEAPLENS_SNAPSHOT_SCOPES names only the leaks).
      scope('ok', 'a.test.ts', 'unnamed', 0),
      { ...scope('ok', 'c.test.ts', 'gone', 0), reason: 'kept 10 KB' },
    ],
    retainedEnvironments: [environment('a.test.ts', 'snapshots/a__environment__2.heapsnapshot'), environment('e.test.ts', 'snapshots/e__environment__2.heapsnapshot')],
    files: [file('snapshots/cache__before.heapsnapshot', 10), file('snapshots/cache__after.heapsnapshot', 20), file('snapshots/a__environment__2.heapsnapshot', 25), file('snapshots/e__environment__2.heapsnapshot', 35)],
    snapshotFiles: { keep: 'flagged', written: 6, writtenBytes: 200, kept: 4, keptBytes: 90 },
    analysis: { jobs: 2, peakBytes: 60 * MB },
    problems: ['skipped records/x.json: truncated'],
  });
  const { report: merged, unused } = mergeExplained(first, second);

  it("keeps the first run's verdicts and takes the second run's snapshots and culprits", () => {
    expect(merged.outDir).toBe('/proj/.heaplens');
    expect(merged.snapshots).toBe(true);
    expect(merged.scopes.map((s) => [s.suite, s.verdict])).toEqual([['cache', 'leak'], ['clean', 'ok'], ['unnamed', 'ok'], ['other', 'ok'], ['gone', 'leak']]);
    const [cache, clean, unnamed, other, gone] = merged.scopes;
    expect(cache!.culprits).toEqual([culprit]);
    expect(cache!.snapshots).toEqual(pair('cache'));
    expect(clean!.snapshotsSkipped).toBe('no after snapshot: clean');
    expect(other!.snapshotsSkipped).toBe(NOT_RERUN);
    expect(unnamed!.snapshotsSkipped).toBe(NOT_RERUN);
    // A leak the second run judged ok: the verdict stands, and the report says why it has no culprits.
    expect(gone!.culprits).toEqual([]);
    expect(gone!.snapshotsSkipped).toBe('no culprits: the run with snapshots judged it ok (kept 10 KB)');
  });

  it("takes an environment's snapshot from the second run only where the first had none, and deletes the other", () => {
    expect(merged.retainedEnvironments.map((e) => [e.file, e.snapshot])).toEqual([
      ['e.test.ts', 'snapshots/e__environment__1.heapsnapshot'],
      ['a.test.ts', 'snapshots/a__environment__2.heapsnapshot'],
    ]);
    expect(unused).toEqual(['snapshots/e__environment__2.heapsnapshot']);
    expect(merged.files.map((f) => f.path)).toEqual([
      'snapshots/a__environment__2.heapsnapshot',
      'snapshots/cache__after.heapsnapshot',
      'snapshots/cache__before.heapsnapshot',
      'snapshots/e__environment__1.heapsnapshot',
    ]);
  });

  it('adds up files written, counts the files kept, and keeps the larger analysis peak', () => {
    expect(merged.snapshotFiles).toEqual({ keep: 'flagged', written: 7, writtenBytes: 230, kept: 4, keptBytes: 25 + 20 + 10 + 30 });
    expect(merged.analysis).toEqual({ jobs: 3, peakBytes: 60 * MB });
    expect(merged.problems).toEqual(['run with snapshots: skipped records/x.json: truncated']);
  });

  it('says a leak the second run did not reach has no snapshots', () => {
    const { report: alone } = mergeExplained(first, report({ scopes: [] }));
    expect(alone.scopes.find((s) => s.suite === 'cache')!.snapshotsSkipped).toBe(RERUN_MISSED);
  });
});

describe('withoutExplanation', () => {
  it("gives the leaks why there are no snapshots, and the rest the rule", () => {
    const first = report({ scopes: [scope('leak', 'a.test.ts', 'A', 2 * MB), scope('ok', 'b.test.ts', 'B', 0)] });
    const failed = withoutExplanation(first, 'the run with snapshots failed (it exited with 1 without a report)');
    expect(failed.snapshots).toBe(true);
    expect(failed.scopes.map((s) => s.snapshotsSkipped)).toEqual(['no snapshots: the run with snapshots failed (it exited with 1 without a report)', NOT_RERUN]);
    expect(withoutExplanation(first, null).scopes.map((s) => s.snapshotsSkipped)).toEqual([NOT_RERUN, NOT_RERUN]);
  });
});
