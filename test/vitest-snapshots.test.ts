import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEAKS_FIXTURE_VERDICTS } from './support/expected.js';
import { copyFixture, output, readReport, runVitest, verdicts } from './support/projects.js';
import { reportProblems } from './support/report-shape.js';
import { head } from './support/files.js';
import { ANY_WORKER_TAG } from './support/jest-leaks.js';
import { SKIPPED_CLEAN } from '../src/core/record.js';
import { NOT_RERUN } from '../src/report/merge-explained.js';


// `heaplens --heap-snapshots -- vitest run`: the acceptance path of the issue. By default
// (keepSnapshots 'flagged') only the pairs of scopes that are not ok stay; threads keeps all.
describe.each([
  { pool: 'forks', keep: 'flagged' },
  { pool: 'threads', keep: 'all' },
  { pool: 'vmThreads', keep: 'flagged' },
])('heaplens --heap-snapshots, pool $pool, keepSnapshots $keep', ({ pool, keep }) => {
  it('writes a before/after snapshot pair per scope, named by test file and thread id, and keeps the flagged ones', async () => {
    const dir = copyFixture('vitest-4', 'vitest-leaks');
    const cli = ['--heap-snapshots', ...(keep === 'all' ? ['--keep-snapshots', 'all'] : [])];
    const result = await runVitest('vitest-4', dir, [`--pool=${pool}`], { cli });
    expect(result.code, output(result)).toBe(0);

    const report = readReport(dir);
    expect(reportProblems(report)).toEqual([]);
    expect(report.snapshots).toBe(true);
    expect(verdicts(report)).toEqual(LEAKS_FIXTURE_VERDICTS);

    const outDir = join(dir, '.heaplens');
    const onDisk = readdirSync(join(outDir, 'snapshots')).sort();
    // 'flagged': a first run without snapshots, then only the files with a leak again, with snapshots for their leaks only.
    const leakFiles = new Set(report.scopes.filter((s) => s.verdict === 'leak').map((s) => s.file));
    const kept = report.scopes.filter((s) => keep === 'all' || s.verdict === 'leak');
    if (keep === 'flagged') expect(kept.length).toBeLessThan(report.scopes.length);
    expect(onDisk).toHaveLength(2 * kept.length);
    expect(report.files.map((f) => f.path)).toEqual(onDisk.map((f) => `snapshots/${f}`));
    for (const file of report.files) expect(file.bytes).toBe(statSync(join(outDir, file.path)).size);
    const keptBytes = report.files.reduce((sum, f) => sum + f.bytes, 0);
    const snapshotted = keep === 'all' ? report.scopes : report.scopes.filter((s) => s.verdict === 'leak');
    if (keep === 'flagged') {
      expect(leakFiles.size).toBe(5);
      expect(result.stderr).toContain('heaplens: running 5 test files again with heap snapshots, for the culprits of 5 leaks');
      // The second run ran those files only (HEAPLENS_FILES), and its output moved into outDir's own folders.
      expect(result.stdout).toMatch(/Test Files\s+6 passed \(6\)[\s\S]*Test Files\s+5 passed \(5\)/);
      expect(existsSync(join(outDir, 'explain'))).toBe(false);
      // The other scopes, in those files too (HEAPLENS_SNAPSHOT_SCOPES), ran without snapshots.
      expect(report.scopes.some((s) => s.verdict !== 'leak' && leakFiles.has(s.file))).toBe(true);
      for (const scope of report.scopes.filter((s) => s.verdict !== 'leak')) {
        expect(scope.snapshots, scope.suite).toBeNull();
        expect(scope.snapshotsSkipped, scope.suite).toBe(NOT_RERUN);
      }
    } else {
      expect(result.stderr).not.toContain('again with heap snapshots');
    }
    // Only leaking scopes get snapshots under 'flagged', so none is cleared by its first reading, and every file written is kept.
    expect(report.scopes.filter((s) => s.snapshotsSkipped === SKIPPED_CLEAN)).toEqual([]);
    expect(report.snapshotFiles).toMatchObject({ keep, written: 2 * snapshotted.length, kept: 2 * kept.length, keptBytes });
    expect(report.snapshotFiles.writtenBytes).toBe(keptBytes);

    for (const scope of report.scopes) {
      const { threadId, pid, workerId } = scope.worker;
      // 'flagged': the pair comes from the CLI's second run, in workers of its own.
      const tag = keep === 'all' ? `t${threadId}-p${pid}${workerId ? `-w${workerId}` : ''}` : ANY_WORKER_TAG;
      if (!kept.includes(scope)) {
        // Deleted with its verdict: the report names no file that is gone.
        expect(scope.snapshots, scope.suite).toBeNull();
        continue;
      }
      expect(scope.snapshots, scope.suite).not.toBeNull();
      for (const phase of ['before', 'after'] as const) {
        const path = scope.snapshots![phase];
        expect(path).toMatch(new RegExp(`^snapshots/test_[a-z-]+\\.test\\.ts__[a-z-]+__${tag}__[0-9a-f]{8}__${phase}\\.heapsnapshot$`));
        expect(head(join(outDir, path))).toMatch(/^\{"snapshot":\{"meta":/);
      }
    }
    const quotes = report.scopes.find((s) => s.suite === 'quote cache')!;
    expect(quotes.snapshots!.before).toContain('test_module-cache.test.ts__quote-cache__');

    // The snapshot engine names what each leaking suite leaked, first, with a retainer path.
    const firstCulprits = Object.fromEntries(
      report.scopes.filter((s) => s.verdict === 'leak').map((s) => [s.suite, s.culprits[0]?.name]),
    );
    expect(firstCulprits).toEqual({
      'quote cache': 'PriceQuote',
      // The listener that was never removed, with what its context keeps (`this`, the subscriber).
      'order subscribers that never unsubscribe': 'onOrder (closure)',
      'global plugin registry': 'PluginRecord',
      'poller with an uncleared interval': 'Timeout',
      'sample store': 'Float64Array',
    });
    for (const scope of report.scopes) {
      if (scope.verdict !== 'leak') expect(scope.culprits, scope.suite).toEqual([]);
      else {
        const [first] = scope.culprits;
        expect(first!.path[0]).toBe('(GC roots)');
        expect(first!.path.at(-1)).toBe(first!.name);
        expect(first!.retainedSize).toBeGreaterThan(report.threshold);
        expect(scope.analysisError).toBeNull();
      }
    }
    const registry = report.scopes.find((s) => s.suite === 'global plugin registry')!;
    expect(registry.culprits[0]!.count).toBe(10_000);
    // The user root is `global`, or the vm context's global object (an Object) in vmThreads.
    expect(registry.culprits[0]!.path).toEqual(['(GC roots)', pool === 'vmThreads' ? 'Object' : 'global', '__pluginRegistry (Array)', '[0]', 'PluginRecord']);
    expect(report.scopes.find((s) => s.suite === 'order subscribers that never unsubscribe')!.culprits[0]!.path.join(' › ')).toMatch(
      /_events \(Object\) › order \(Array\) › \[\d+\] › onOrder \(closure\)$/,
    );
    expect(result.stdout).toMatch(/1\. PriceQuote ×30,000, retains [\d.]+ MB/);

    // One analysis job per leaking scope's pair, and what the largest one used (the bench prints it too).
    const leaks = report.scopes.filter((s) => s.verdict === 'leak').length;
    expect(report.analysis.jobs).toBe(leaks);
    const largestPair = Math.max(...report.files.map((f) => f.bytes));
    expect(report.analysis.peakBytes).toBeGreaterThan(largestPair / 4);
    expect(report.analysis.peakBytes).toBeLessThan(largestPair * 20);
    expect(result.stdout).toContain(`Analysed in ${leaks} worker jobs, one at a time; the largest used `);

    // The terminal lists the files with sizes and says how to open a pair.
    expect(result.stdout).toMatch(
      keep === 'all' ? /Snapshots: 24 files, [\d.]+ MB/ : new RegExp(`Snapshots: ${2 * kept.length} files, [\\d.]+ MB`),
    );
    expect(result.stdout).toContain('Comparison');
    expect(result.stdout).toContain('Report: .heaplens/report.json');
  });
});

describe('heaplens CLI options', () => {
  it('--fail-on-leak exits 1 although every test passed, and says why last', async () => {
    const dir = copyFixture('vitest-4', 'vitest-leaks');
    const result = await runVitest('vitest-4', dir, [], { cli: ['--fail-on-leak', '--out-dir', 'out/heap'] });
    expect(result.code, output(result)).toBe(1);
    expect(result.stdout).toMatch(/Tests\s+12 passed/);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('heaplens: failing the run because 5 tracked scopes leaked (failOnLeak is on)');
    expect(readReport(dir, 'out/heap').scopes).toHaveLength(12);
    expect(existsSync(join(dir, '.heaplens', 'report.json'))).toBe(false);
  });

  it('HEAPLENS_SNAPSHOTS=1 and `vitest run -- --heap-snapshots` both turn snapshots on', async () => {
    const dir = copyFixture('vitest-4', 'vitest-leaks');
    const viaEnv = await runVitest('vitest-4', dir, ['test/module-cache.test.ts'], { env: { HEAPLENS_SNAPSHOTS: '1', HEAPLENS_KEEP_SNAPSHOTS: 'all' } });
    expect(viaEnv.code, output(viaEnv)).toBe(0);
    expect(readReport(dir).files).toHaveLength(2);

    const viaArgs = await runVitest('vitest-4', dir, ['test/global-registry.test.ts', '--', '--heap-snapshots']);
    expect(viaArgs.code, output(viaArgs)).toBe(0);
    const report = readReport(dir);
    // A new run replaces the last run's records and snapshots.
    expect(report.scopes.map((s) => s.suite)).toEqual(['global plugin registry']);
    expect(report.files.map((f) => f.path).every((p) => p.includes('global-registry'))).toBe(true);
    expect(report.files).toHaveLength(2);

    const off = await runVitest('vitest-4', dir, ['test/global-registry.test.ts']);
    expect(off.code, output(off)).toBe(0);
    expect(readReport(dir).snapshots).toBe(false);
    expect(existsSync(join(dir, '.heaplens', 'snapshots'))).toBe(false);
  });

  it('skips a snapshot that would not fit and says why in the report', async () => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    const result = await runVitest('vitest-4', dir, [], { cli: ['--heap-snapshots'] });
    expect(result.code, output(result)).toBe(0);
    const [scope] = readReport(dir).scopes;
    expect(scope!.verdict).toBe('leak');
    expect(scope!.snapshots).toBeNull();
    expect(scope!.snapshotsSkipped).toMatch(/^snapshot skipped: heap [\d.]+ MB is above snapshotMaxHeap 1\.0 MB$/);
    expect(result.stdout).toContain('snapshot skipped');
  });
});
