import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/report/schema.js';
import {
  environmentSnapshotPattern,
  JEST_LEAKS_VERDICTS,
  verdictMismatches,
  mainPidProbe,
  readMainPid,
  RETAINED_FILES,
  retainedPathProblems,
  scopeSnapshotPattern,
  snapshotPid,
} from './support/jest-leaks.js';
import { copyFixture, output, readReport, runJest, verdicts, type RunOptions, type RunResult } from './support/projects.js';
import { reportProblems } from './support/report-shape.js';
import { head } from './support/files.js';
import { SKIPPED_CLEAN } from '../src/core/record.js';
import { NOT_RERUN } from '../src/report/merge-explained.js';


/** What the snapshot engine must name first for each leaking suite, and a hop its retainer path must go through. */
const FIRST_CULPRITS: Record<string, { name: string; count: number; through: string }> = {
  'sample store': { name: 'Float64Array', count: 40, through: 'sampleStore (Array)' },
  // `this.onOrder = (n) => …` in a constructor: V8 gives the arrow no name of its own.
  'order subscribers that never unsubscribe': { name: '(anonymous closure)', count: 50, through: 'order (Array)' },
  'global plugin registry': { name: 'PluginRecord', count: 10_000, through: '__pluginRegistry (Array)' },
  'quote cache': { name: 'PriceQuote', count: 30_000, through: 'quoteCache (Map)' },
  'poller with an uncleared interval': { name: 'Timeout', count: 1, through: '[60000] (TimersList)' },
};

// Jest 30 with heap snapshots on, turned on both ways: `heaplens --heap-snapshots -- jest`
// with child process workers (keepSnapshots 'flagged', the default: ok scopes' pairs are
// deleted), HEAPLENS_SNAPSHOTS=1 with worker threads and every snapshot kept.
const runs: Array<{ name: string; args: string[]; options: RunOptions; threads: boolean; keepAll: boolean }> = [
  {
    name: 'heaplens --heap-snapshots -- jest -w 2 (child processes)',
    args: ['-w', '2'],
    options: { cli: ['--heap-snapshots'] },
    threads: false,
    keepAll: false,
  },
  {
    name: 'HEAPLENS_SNAPSHOTS=1 HEAPLENS_KEEP_SNAPSHOTS=all jest --workerThreads -w 2',
    args: ['--workerThreads', '-w', '2'],
    options: { env: { HEAPLENS_SNAPSHOTS: '1', HEAPLENS_KEEP_SNAPSHOTS: 'all' } },
    threads: true,
    keepAll: true,
  },
];

describe.each(runs)('jest 30, $name', ({ args, options, threads, keepAll }) => {
  let dir: string;
  let outDir: string;
  let result: RunResult;
  let report: Report;
  let mainPid: number;

  beforeAll(async () => {
    dir = copyFixture('jest-30', 'jest-leaks');
    outDir = join(dir, '.heaplens');
    result = await runJest('jest-30', dir, [...args, ...mainPidProbe(dir)], options);
    try {
      report = readReport(dir);
      mainPid = readMainPid(dir);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${output(result)}`);
    }
  });

  /**
   * Snapshot files written. keepAll: a pair per scope and one per retained environment. The CLI
   * ('flagged'): the first run writes only the 3 environments'; the second runs the 5 files with a leak
   * (8 scopes), snapshots only their 5 leaking scopes (HEAPLENS_SNAPSHOT_SCOPES), and
   * test/uncleared-interval.test.js's environment again (retained again; the report keeps the first
   * run's, the second is deleted).
   */
  const written = () => {
    if (keepAll) return 2 * 14 + 3;
    const leakFiles = new Set(report.scopes.filter((s) => s.verdict === 'leak').map((s) => s.file));
    expect(report.scopes.filter((s) => leakFiles.has(s.file))).toHaveLength(8);
    return 3 + 2 * report.scopes.filter((s) => s.verdict === 'leak').length + 1;
  };

  // Each run leaves ~800 MB of snapshots behind.
  afterAll(() => {
    if (outDir) rmSync(join(outDir, 'snapshots'), { recursive: true, force: true });
  });

  it('passes, with snapshots on, and flags the same suites as without them', () => {
    expect(result.code, output(result)).toBe(0);
    expect(reportProblems(report)).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(report.snapshots).toBe(true);
    expect(report.runner.name).toBe('jest');
    expect(report.runner.version).toMatch(/^30\./);
    expect(verdicts(report), verdictMismatches(report, dir)).toEqual(JEST_LEAKS_VERDICTS);
    // The CLI ran the 9 files once without snapshots, then the 5 with a leak again (HEAPLENS_FILES).
    if (!keepAll) expect(result.stderr).toMatch(/Test Suites: 9 passed, 9 total[\s\S]*Test Suites: 5 passed, 5 total/);
    expect(report.retainedEnvironments.map((e) => e.file).sort()).toEqual(RETAINED_FILES);
    for (const environment of report.retainedEnvironments) expect(retainedPathProblems(environment.file, environment.path)).toEqual([]);
  });

  it('writes a before/after pair per scope, named by file, suite and worker', () => {
    const hashes = new Set<string>();
    // 'all' writes every after snapshot; 'flagged' snapshots only the leaks again, which no first reading clears.
    expect(report.scopes.filter((s) => s.snapshotsSkipped === SKIPPED_CLEAN)).toEqual([]);
    expect(report.snapshotFiles.written).toBe(written());
    for (const scope of report.scopes) {
      const at = `${scope.file} :: ${scope.suite}`;
      if (!keepAll && scope.verdict === 'ok') {
        // Run again (if in a file with a leak) without snapshots, or not run again.
        expect(scope.snapshots, at).toBeNull();
        expect(scope.snapshotsSkipped, at).toBe(NOT_RERUN);
        continue;
      }
      if (threads) {
        expect(scope.worker.threadId, at).toBeGreaterThan(0);
        expect(scope.worker.pid, at).toBe(mainPid);
      } else {
        expect(scope.worker.threadId, at).toBe(0);
        expect(scope.worker.pid, at).not.toBe(mainPid);
      }
      expect(scope.worker.workerId, at).toMatch(/^[12]$/);
      expect(scope.snapshotsSkipped, at).toBeNull();
      expect(scope.snapshots, at).not.toBeNull();
      // The CLI's pair comes from its second run, in workers of its own.
      const named = keepAll ? scope.worker : null;
      const before = scope.snapshots!.before.match(scopeSnapshotPattern(scope.file, scope.suite, named, 'before'));
      const after = scope.snapshots!.after.match(scopeSnapshotPattern(scope.file, scope.suite, named, 'after'));
      expect(before, `${at}: ${scope.snapshots!.before}`).not.toBeNull();
      expect(after, `${at}: ${scope.snapshots!.after}`).not.toBeNull();
      // One hash per scope, shared by its pair.
      expect(after![1], at).toBe(before![1]);
      hashes.add(before![1]!);
      if (!keepAll) {
        // The second run's pairs come from workers, as the first run's verdicts did, not from Jest's main
        // process (the probe wrote its pid last). test/jest-kinds.test.ts has a re-run Jest would run in band.
        const pid = snapshotPid(scope.snapshots!.after);
        expect(pid, scope.snapshots!.after).toBeGreaterThan(0);
        expect(pid, scope.snapshots!.after).not.toBe(mainPid);
      }
      for (const path of [scope.snapshots!.before, scope.snapshots!.after]) {
        expect(head(join(outDir, path)), path).toMatch(/^\{"snapshot":\{"meta":/);
      }
    }
    expect(hashes.size).toBe(report.scopes.filter((s) => keepAll || s.verdict !== 'ok').length);
    expect(new Set(report.scopes.map((s) => s.worker.workerId)).size).toBe(2);
  });

  it('writes one snapshot per retained environment, named by file and worker', () => {
    for (const environment of report.retainedEnvironments) {
      expect(environment.snapshot, environment.file).toMatch(environmentSnapshotPattern(environment.file, environment.worker));
      expect(head(join(outDir, environment.snapshot!)), environment.file).toMatch(/^\{"snapshot":\{"meta":/);
      const scope = report.scopes.find((s) => s.file === environment.file)!;
      expect(environment.worker, environment.file).toEqual(scope.worker);
    }
  });

  it('lists exactly the snapshot files on disk in report.files, with their sizes', () => {
    const onDisk = readdirSync(join(outDir, 'snapshots'))
      .map((f) => `snapshots/${f}`)
      .sort();
    const flagged = report.scopes.filter((s) => s.verdict !== 'ok');
    const expected = [
      ...(keepAll ? report.scopes : flagged).flatMap((s) => [s.snapshots!.before, s.snapshots!.after]),
      ...report.retainedEnvironments.map((e) => e.snapshot!),
    ].sort();
    expect(onDisk).toHaveLength(keepAll ? 2 * 14 + 3 : 2 * flagged.length + 3);
    expect(onDisk).toEqual(expected);
    expect(report.files.map((f) => f.path).sort()).toEqual(onDisk);
    for (const file of report.files) expect(file.bytes, file.path).toBe(statSync(join(outDir, file.path)).size);
    expect(report.snapshotFiles).toMatchObject({ keep: keepAll ? 'all' : 'flagged', written: written(), kept: onDisk.length });
    expect(result.stderr).toMatch(
      keepAll ? /Snapshots: 31 files, [\d.]+ MB in \.heaplens/ : new RegExp(`Snapshots: ${onDisk.length} kept of ${written()} files written \\([\\d.]+ MB of [\\d.]+ MB\\) in \\.heaplens`),
    );
  });

  it('names what each leaking suite leaked, first, with the path that keeps it alive', () => {
    const leaking = report.scopes.filter((s) => s.verdict === 'leak');
    expect(Object.fromEntries(leaking.map((s) => [s.suite, s.culprits[0]?.name]))).toEqual(
      Object.fromEntries(Object.entries(FIRST_CULPRITS).map(([suite, c]) => [suite, c.name])),
    );
    for (const scope of leaking) {
      const expected = FIRST_CULPRITS[scope.suite]!;
      const [first] = scope.culprits;
      expect(scope.analysisError, scope.suite).toBeNull();
      expect(first!.count, scope.suite).toBe(expected.count);
      expect(first!.path[0], scope.suite).toBe('(GC roots)');
      expect(first!.path.at(-1), scope.suite).toBe(first!.name);
      expect(first!.path, scope.suite).toContain(expected.through);
      expect(first!.retainedSize, scope.suite).toBeGreaterThan(report.threshold);
    }
    for (const scope of report.scopes) if (scope.verdict !== 'leak') expect(scope.culprits, scope.suite).toEqual([]);
    expect(result.stderr).toMatch(/1\. PriceQuote ×30,000, retains [\d.]+ MB/);
    expect(result.stderr).toMatch(/HEAPLENS\s+14 tracked scopes: 5 leaked, 9 ok, 3 retained environments \(threshold 1\.0 MB, snapshots on\)/);
  });
});
