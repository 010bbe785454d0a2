import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { orderFilesForReading, renderTerminal, snapshotFilesLine, sparkline, truncateMiddle, type RenderContext } from '../src/report/render-terminal.js';
import { MB, report, scope } from './support/reports.js';

const ctx: RenderContext = { colors: pc.createColors(false), displayOutDir: '.heaplens' };

describe('sparkline', () => {
  it('scales from zero to the largest value', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([])).toBe('');
  });

  it('sums long series into at most `width` bars', () => {
    expect(sparkline(new Array(100).fill(1), 24)).toHaveLength(20);
    expect(sparkline([1, 1, 0, 0], 2)).toBe('█▁');
  });
});

describe('renderTerminal', () => {
  it('prints the reason and a per-test sparkline under a leak, the runner note under an ok scope', () => {
    const leak = { ...scope('leak', 'leaky.test.ts', 'A', 2 * MB), reason: '+45 KB per test over 4 tests, allocated at src/a.ts:3:1 (f())', series: [1, 2, 3, 4] };
    const spies = { ...scope('ok', 'spies.test.ts', 'B', 0), reason: 'kept 300 KB', runnerNote: '2.0 MB is held by the runner until the file ends' };
    const quiet = { ...scope('ok', 'quiet.test.ts', 'C', 0), reason: 'kept 10 KB' };
    const text = renderTerminal(report({ scopes: [leak, spies, quiet] }), ctx).join('\n');
    expect(text).toMatch(/↳ \+45 KB per test over 4 tests, allocated at src\/a\.ts:3:1 \(f\(\)\) {2}per test ▃▅▆█/);
    expect(text).toContain('↳ 2.0 MB is held by the runner until the file ends');
    expect(text).not.toContain('kept 300 KB');
    expect(text).not.toContain('kept 10 KB');
  });

  it('shows the heap after a scope whose start had no GC, and no before or growth figure', () => {
    const figures = (before: number, after: number) => ({ before, after, growth: after - before });
    const unsettled = {
      ...scope('ok', 'sampled.test.ts', 'D', 0),
      heap: null,
      retained: 120 * 1024,
      retainedMethod: 'allocation-sampling' as const,
      memory: { startAfterGc: false, usedHeap: figures(30 * MB, 20 * MB), external: figures(2 * MB, MB), detachedContexts: figures(0, 0) },
    };
    const row = renderTerminal(report({ scopes: [unsettled] }), ctx).find((line) => line.includes('sampled.test.ts'))!;
    expect(row).toMatch(/sampled\.test\.ts\s+D\s+t1 p42\s+-\s+21\.0 MB\s+-\s+\+120 KB$/);
  });

  it('prints nothing when nothing was tracked', () => {
    expect(renderTerminal(report(), ctx)).toEqual([]);
  });

  it('prints problems even without scopes', () => {
    const lines = renderTerminal(report({ problems: ['skipped records/x.json: bad'] }), ctx);
    expect(lines).toContain('heaplens: skipped records/x.json: bad');
    expect(lines.at(-1)).toBe('Report: .heaplens/report.json');
  });

  it('summarises the counts and settings', () => {
    const lines = renderTerminal(report({ scopes: [scope('leak', 'a.test.ts', 'A', 2 * MB), scope('ok', 'b.test.ts', 'B', 0)] }), ctx);
    expect(lines[1]).toBe(' HEAPLENS  2 tracked scopes: 1 leaked, 1 ok (threshold 1.0 MB, snapshots off)');
  });

  it('puts flagged rows before ok rows, with reasons under flagged ones', () => {
    const lines = renderTerminal(
      report({
        scopes: [
          scope('leak', 'leaky.test.ts', 'A', 2 * MB),
          scope('inconclusive', 'crash.test.ts', 'B', 0),
          scope('ok', 'fine.test.ts', 'C', 0),
        ],
      }),
      ctx,
    );
    const leak = lines.findIndex((l) => l.includes('leaky.test.ts'));
    const inconclusive = lines.findIndex((l) => l.includes('crash.test.ts'));
    const ok = lines.findIndex((l) => l.includes('fine.test.ts'));
    expect(leak).toBeGreaterThan(0);
    expect(leak).toBeLessThan(inconclusive);
    expect(inconclusive).toBeLessThan(ok);
    expect(lines[leak]).toMatch(/^ {2}LEAK +leaky\.test\.ts +A +t1 p42 +10\.0 MB +12\.0 MB +\+2\.0 MB +\+2\.0 MB$/);
    expect(lines[leak + 1]).toContain('↳ leak because');
    expect(lines.some((l) => l.includes('ok because'))).toBe(false);
  });

  it("shows '(whole file)' for a file scope", () => {
    const lines = renderTerminal(report({ scopes: [scope('ok', 'a.test.ts', '', 0)] }), ctx);
    expect(lines.find((l) => l.includes('a.test.ts'))).toContain('(whole file)');
  });

  it('lists snapshot files with sizes and how to compare them', () => {
    const lines = renderTerminal(
      report({
        snapshots: true,
        scopes: [{ ...scope('leak', 'a.test.ts', 'A', 2 * MB), snapshots: { before: 'snapshots/a__before.heapsnapshot', after: 'snapshots/a__after.heapsnapshot', baselineAfterTests: 0 } }],
        files: [
          { path: 'snapshots/a__after.heapsnapshot', bytes: 3 * MB },
          { path: 'snapshots/a__before.heapsnapshot', bytes: MB },
        ],
      }),
      ctx,
    );
    expect(lines).toContain('Snapshots: 2 files, 4.0 MB in .heaplens');
    expect(lines).toContain('  snapshots/a__before.heapsnapshot     1.0 MB');
    expect(lines).toContain('  snapshots/a__after.heapsnapshot      3.0 MB');
    expect(lines.some((l) => l.includes('Chrome DevTools') && l.includes('Comparison'))).toBe(true);
    expect(lines.some((l) => l.includes('__environment__'))).toBe(false);
  });

  it('lists retained environments first, with their paths, and explains an environment snapshot', () => {
    const env = {
      file: 'test/patched.test.js',
      worker: { threadId: 0, pid: 7, workerId: '1' },
      path: ['(GC roots)', 'global', 'request (tracedRequest())', '(test environment global)'],
      bytes: 2 * MB,
      snapshot: 'snapshots/test_patched.test.js__environment__t0-p7-w1__0badc0de.heapsnapshot',
      note: null,
    };
    const lines = renderTerminal(
      report({
        scopes: [scope('ok', 'a.test.ts', 'A', 0)],
        retainedEnvironments: [env, { ...env, file: 'test/other.test.js', bytes: null, path: [], snapshot: null, note: 'not explained: budget' }],
        files: [{ path: env.snapshot, bytes: 30 * MB }],
      }),
      ctx,
    );
    const text = lines.join('\n');
    expect(lines[1]).toMatch(/1 tracked scope: 0 leaked, 1 ok, 2 retained environments/);
    expect(lines[3]).toBe('2 test files left their environment alive (its global object and everything the file loaded stay in the worker)');
    expect(lines[4]).toBe('  ✗ test/patched.test.js  keeps 2.0 MB  t0 p7 w1');
    expect(lines[5]).toBe('    (GC roots) › global › request (tracedRequest()) › (test environment global)');
    expect(lines[6]).toBe('  ✗ test/other.test.js  t0 p7 w1');
    expect(lines[7]).toBe('    ↳ not explained: budget');
    expect(text.indexOf('retained environment')).toBeLessThan(text.indexOf('verdict'));
    expect(text).toContain('__heaplens_environment_probe_');
    expect(text).not.toContain('Comparison');
  });

  it('caps the file listing and says how many more there are', () => {
    const files = Array.from({ length: 5 }, (_, i) => ({ path: `snapshots/s${i}.heapsnapshot`, bytes: 1024 }));
    const lines = renderTerminal(report({ scopes: [scope('ok', 'a.test.ts', 'A', 0)], files }), { ...ctx, maxFiles: 2 });
    expect(lines.filter((l) => l.includes('.heapsnapshot'))).toHaveLength(2);
    expect(lines).toContain('  … and 3 more (all listed in report.json)');
  });
});

describe('snapshotFilesLine', () => {
  const files = { keep: 'flagged', written: 160, writtenBytes: 4.3 * 1024 * MB, kept: 3, keptBytes: 118 * MB } as const;

  it('says how many files were kept of how many written, and why the others went', () => {
    expect(snapshotFilesLine(files, '.heaplens')).toBe(
      "3 kept of 160 files written (118 MB of 4.3 GB) in .heaplens; the pairs of ok scopes were deleted (keepSnapshots: 'all' keeps them)",
    );
  });

  it('gives files and size alone when every file was kept', () => {
    expect(snapshotFilesLine({ ...files, written: 3, writtenBytes: 118 * MB }, '.heaplens')).toBe('3 files, 118 MB in .heaplens');
    expect(snapshotFilesLine({ ...files, keep: 'all', written: 1, writtenBytes: MB, kept: 1, keptBytes: MB }, 'out')).toBe('1 file, 1.0 MB in out');
  });

  it('says how many analysis jobs ran and how much memory the largest used', () => {
    const lines = renderTerminal(
      report({ scopes: [scope('ok', 'a.test.ts', 'A', 0)], snapshotFiles: files, analysis: { jobs: 5, peakBytes: 412 * MB } }),
      ctx,
    );
    expect(lines).toContain('Analysed in 5 worker jobs, one at a time; the largest used 412 MB');
  });

  it('is printed even when no file was kept', () => {
    const lines = renderTerminal(
      report({ scopes: [scope('ok', 'a.test.ts', 'A', 0)], snapshotFiles: { ...files, kept: 0, keptBytes: 0 } }),
      ctx,
    );
    expect(lines.join('\n')).toContain('Snapshots: 0 kept of 160 files written (0 B of 4.3 GB) in .heaplens');
  });
});

describe('truncateMiddle', () => {
  it('leaves short text alone', () => {
    expect(truncateMiddle('short', 48)).toBe('short');
    expect(truncateMiddle('x'.repeat(48))).toBe('x'.repeat(48));
  });

  it('keeps the start and the end', () => {
    expect(truncateMiddle('abcdefghij', 5)).toBe('ab…ij');
    const long = `start-${'m'.repeat(100)}-end.test.ts`;
    const cut = truncateMiddle(long);
    expect(cut).toHaveLength(48);
    expect(cut.startsWith('start-')).toBe(true);
    expect(cut.endsWith('-end.test.ts')).toBe(true);
    expect(cut).toContain('…');
  });
});

describe('orderFilesForReading', () => {
  it('puts the snapshot pairs of flagged scopes first, then the rest by path', () => {
    const leak = { ...scope('leak', 'b.test.ts', 'B', 5 * MB), snapshots: { before: 'snapshots/b-before', after: 'snapshots/b-after', baselineAfterTests: 1 } };
    const ok = { ...scope('ok', 'a.test.ts', 'A', 0), snapshots: { before: 'snapshots/a-before', after: 'snapshots/a-after', baselineAfterTests: 1 } };
    const files = ['snapshots/a-after', 'snapshots/a-before', 'snapshots/b-after', 'snapshots/b-before', 'snapshots/stray'].map((path) => ({ path, bytes: 1 }));
    const ordered = orderFilesForReading(report({ scopes: [leak, ok], files }));
    expect(ordered.map((f) => f.path)).toEqual([
      'snapshots/b-before',
      'snapshots/b-after',
      'snapshots/a-before',
      'snapshots/a-after',
      'snapshots/stray',
    ]);
  });
});
