import { describe, expect, it } from 'vitest';
import type { ScopeRecord } from '../src/core/record.js';
import type { Judgement } from '../src/core/verdict.js';
import { collectReport, keptSeries, reportSites, countLeaks, unmappedProblem, withAnalysis, type CollectInput } from '../src/report/collect.js';
import { MB, measurement, scopeRecord } from './support/records.js';

const m = measurement;

function record(file: string, suite: string, growth: number, extra: Partial<ScopeRecord> = {}): ScopeRecord {
  return scopeRecord({ file, suite, before: m(10 * MB), after: m(10 * MB + growth), ...extra });
}

function input(records: ScopeRecord[], extra: Partial<CollectInput> = {}): CollectInput {
  return {
    toolVersion: '0.1.0',
    runner: { name: 'vitest', version: '4.1.12' },
    node: 'v20.20.2',
    snapshots: false,
    outDir: '/proj/.heaplens',
    threshold: MB,
    records,
    files: [],
    problems: [],
    ...extra,
  };
}

describe('collectReport', () => {
  it('writes schema version 2 and the run settings', () => {
    const report = collectReport(input([], { problems: ['skipped records/x.json: bad'] }));
    expect(report).toEqual({
      schemaVersion: 2,
      tool: { name: 'heaplens', version: '0.1.0' },
      runner: { name: 'vitest', version: '4.1.12' },
      node: 'v20.20.2',
      snapshots: false,
      outDir: '/proj/.heaplens',
      threshold: MB,
      retainedEnvironments: [],
      scopes: [],
      files: [],
      snapshotFiles: { keep: 'flagged', written: 0, writtenBytes: 0, kept: 0, keptBytes: 0 },
      analysis: { jobs: 0, peakBytes: 0 },
      problems: ['skipped records/x.json: bad'],
    });
  });

  it('counts the snapshot files written (kept + deleted) and kept, and names no pair that was deleted', () => {
    const pair = (name: string) => ({ status: 'written', before: `snapshots/${name}__before.heapsnapshot`, after: `snapshots/${name}__after.heapsnapshot` }) as const;
    const leak = record('a.test.ts', 'leaks', 5 * MB, { snapshots: pair('leak') });
    const ok = record('b.test.ts', 'fine', 0, { snapshots: pair('ok') });
    const report = collectReport(
      input([leak, ok], {
        snapshots: true,
        files: [
          { path: 'snapshots/leak__before.heapsnapshot', bytes: 30 * MB },
          { path: 'snapshots/leak__after.heapsnapshot', bytes: 35 * MB },
        ],
        removed: { files: new Set(['snapshots/ok__before.heapsnapshot', 'snapshots/ok__after.heapsnapshot']), bytes: 60 * MB },
      }),
    );
    expect(report.snapshotFiles).toEqual({ keep: 'flagged', written: 4, writtenBytes: 125 * MB, kept: 2, keptBytes: 65 * MB });
    expect(report.scopes.find((s) => s.suite === 'fine')?.snapshots).toBeNull();
    expect(report.scopes.find((s) => s.suite === 'leaks')?.snapshots?.before).toBe('snapshots/leak__before.heapsnapshot');
  });

  it('sorts leak, inconclusive, ok, then by file and suite', () => {
    const report = collectReport(
      input([
        record('b.test.ts', 'A', 0),
        record('b.test.ts', 'A', 5 * MB),
        record('a.test.ts', 'Z', 0, { after: null }),
        record('a.test.ts', 'B', 0),
        record('a.test.ts', 'A', 0),
        record('a.test.ts', 'A', 2 * MB),
      ]),
    );
    expect(report.scopes.map((s) => `${s.verdict} ${s.file} ${s.suite}`)).toEqual([
      'leak a.test.ts A',
      'leak b.test.ts A',
      'inconclusive a.test.ts Z',
      'ok a.test.ts A',
      'ok a.test.ts B',
      'ok b.test.ts A',
    ]);
    expect(countLeaks(report)).toBe(2);
  });

  it('sorts files by path', () => {
    const files = [
      { path: 'snapshots/b.heapsnapshot', bytes: 2 },
      { path: 'snapshots/a.heapsnapshot', bytes: 1 },
    ];
    expect(collectReport(input([], { files })).files.map((f) => f.path)).toEqual([
      'snapshots/a.heapsnapshot',
      'snapshots/b.heapsnapshot',
    ]);
  });

  it('maps written snapshots to before and after', () => {
    const [scope] = collectReport(
      input([record('a.test.ts', 'A', 0, { snapshots: { status: 'written', before: 'snapshots/x__before.heapsnapshot', after: 'snapshots/x__after.heapsnapshot' } })]),
    ).scopes;
    expect(scope?.snapshots).toEqual({ before: 'snapshots/x__before.heapsnapshot', after: 'snapshots/x__after.heapsnapshot', baselineAfterTests: 0 });
    expect(scope?.snapshotsSkipped).toBeNull();
  });

  it('gives null snapshots and the reason when they were skipped', () => {
    const [scope] = collectReport(
      input([record('a.test.ts', 'A', 0, { snapshots: { status: 'skipped', reason: 'snapshot skipped: low memory', before: null } })]),
    ).scopes;
    expect(scope?.snapshots).toBeNull();
    expect(scope?.snapshotsSkipped).toBe('snapshot skipped: low memory');
  });

  it('says when a finished scope has no after snapshot', () => {
    const [scope] = collectReport(
      input([record('a.test.ts', 'A', 0, { snapshots: { status: 'written', before: 'snapshots/x__before.heapsnapshot', after: null } })]),
    ).scopes;
    expect(scope?.snapshots).toBeNull();
    expect(scope?.snapshotsSkipped).toBe('the after snapshot was not written');
  });

  it('has null snapshots and no reason when they were off', () => {
    const [scope] = collectReport(input([record('a.test.ts', 'A', 0)])).scopes;
    expect(scope?.snapshots).toBeNull();
    expect(scope?.snapshotsSkipped).toBeNull();
  });

  it('breaks memory down into heap, external and detached contexts', () => {
    const [scope] = collectReport(
      input([record('a.test.ts', 'A', 0, { before: m(100, 10, 0), after: m(130, 50, 2) })]),
    ).scopes;
    expect(scope?.memory).toEqual({
      startAfterGc: true,
      usedHeap: { before: 100, after: 130, growth: 30 },
      external: { before: 10, after: 50, growth: 40 },
      detachedContexts: { before: 0, after: 2, growth: 2 },
    });
    expect(scope?.heap).toEqual({ before: 110, after: 180, growth: 70 });
    expect(scope?.culprits).toEqual([]);
  });

  it('gives the raw figures but no heap delta for a start read without a GC', () => {
    const [scope] = collectReport(
      input([record('a.test.ts', 'A', 0, { before: { ...m(100, 10, 0), settled: false }, after: m(130, 50, 2), sampled: { bytes: 20, samples: 1 } })]),
    ).scopes;
    expect(scope?.memory?.startAfterGc).toBe(false);
    expect(scope?.memory?.external).toEqual({ before: 10, after: 50, growth: 40 });
    expect(scope?.heap).toBeNull();
    expect(scope?.retainedMethod).toBe('allocation-sampling');
  });

  it('has null memory when a measurement is missing', () => {
    const [scope] = collectReport(input([record('a.test.ts', 'A', 0, { after: null })])).scopes;
    expect(scope?.memory).toBeNull();
    expect(scope?.heap).toBeNull();
  });
});

describe('reportSites', () => {
  const site = { site: 'src/a.ts:3:1', fn: 'f', owner: 'user' as const, via: null, bytes: 10, perTest: [5, 5, 0], byPhase: { beforeAll: 0, beforeEach: 0, test: 10, afterEach: 0, afterAll: 0 } };
  const base = { tests: 3, observed: [0, 1, 2], sites: [site], rest: 0, total: 10, samples: 2, frames: [] };

  it('lists the sites of a scope mapped to its sources, with their shape', () => {
    expect(reportSites({ ...base, sourceMapped: true })).toEqual([
      { site: 'src/a.ts:3:1', fn: 'f', owner: 'user', via: null, bytes: 10, shape: 'once', tests: 1, byPhase: site.byPhase },
    ]);
  });

  it('lists none for a scope that kept too little to be mapped', () => {
    expect(reportSites({ ...base, sourceMapped: false })).toEqual([]);
  });
});

describe('unmappedProblem', () => {
  const attribution = { tests: 3, observed: [0, 1, 2], sites: [], rest: 0, total: 0, samples: 0, frames: [], sourceMapped: true };
  const withUnmapped = (file: string, unmapped?: string[]) => record(file, '', 0, { attribution: { ...attribution, ...(unmapped ? { unmapped } : {}) } });

  it('names the files whose sites are lines of transformed code, once, and how to get a source map', () => {
    const records = [withUnmapped('a.spec.ts', ['src/b.ts', 'src/a.ts']), withUnmapped('c.spec.ts', ['src/a.ts']), withUnmapped('d.spec.ts')];
    expect(unmappedProblem(records)).toBe(
      'sites in src/a.ts and 1 other file are lines of the code the transformer produced, not of the source: it gave no source map (for ts-jest, set "sourceMap": true in the tsconfig it uses)',
    );
    expect(collectReport(input(records)).problems).toEqual([unmappedProblem(records)]);
  });

  it('says nothing when every site was mapped', () => {
    expect(unmappedProblem([withUnmapped('d.spec.ts')])).toBeNull();
    expect(collectReport(input([withUnmapped('d.spec.ts')])).problems).toEqual([]);
  });
});

describe('keptSeries', () => {
  const phases = { beforeAll: 0, beforeEach: 0, test: 0, afterEach: 0, afterAll: 0 };
  const init = { site: 'src/t.ts:1:1', fn: 'build', owner: 'user' as const, via: null, bytes: 900, perTest: [900, 0, 0], byPhase: phases };
  const spy = { ...init, site: '(runner)', owner: 'runner' as const, perTest: [5, 5, 5] };
  const leak = { site: 'src/l.ts:2:1', fn: 'remember', bytes: 30, perTest: [10, 10, 10], callees: [] };
  const attribution = { tests: 3, observed: [0, 1, 2], sites: [init, spy], rest: 0, total: 915, samples: 3, frames: [leak], sourceMapped: true };
  const heap = { before: 0, after: 1, growth: 1 };
  const retained = { bytes: 1, method: 'heap-delta' as const };

  it('charts a leak by its growing sites, so that a one-time structure beside it does not flatten the chart', () => {
    const judgement: Judgement = { verdict: 'leak', reason: '', heap, retained, growing: [{ site: leak, shape: 'growing', hits: 2 }], rate: 10, runnerNote: null };
    expect(keptSeries(attribution, judgement)).toEqual([10, 10, 10]);
  });

  it('charts any other scope by all user sites, leaving runner-held memory out', () => {
    const judgement: Judgement = { verdict: 'one-time', reason: '', heap, retained, growing: [], rate: null, runnerNote: null };
    expect(keptSeries(attribution, judgement)).toEqual([900, 0, 0]);
  });
});

describe('withAnalysis', () => {
  const leak = () => collectReport(input([record('test/a.test.ts', 'A', 5 * MB)])).scopes[0]!;
  const culprit = { name: 'PriceQuote', count: 3, size: 120, retainedSize: 5 * MB, path: ['(GC roots)', 'global', 'PriceQuote'], paths: [], holder: 'none' as const, heldIn: null };

  it('adds the culprits to a flagged scope', () => {
    const scope = withAnalysis(leak(), { ok: true, culprits: [culprit], newObjects: 3, userRetained: 5 * MB, internalRetained: 0 });
    expect(scope.verdict).toBe('leak');
    expect(scope.culprits.map((c) => c.name)).toEqual(['PriceQuote']);
  });

  it('never changes the verdict: snapshots only explain', () => {
    const before = leak();
    const scope = withAnalysis(before, { ok: true, culprits: [], newObjects: 900, userRetained: 200 * 1024, internalRetained: 5 * MB });
    expect(scope.verdict).toBe('leak');
    expect(scope.reason).toBe(before.reason);
  });

  it('ranks first the culprits held by the code of a growing site, with that site and its test count', () => {
    const site = (at: string, shape: 'growing' | 'once', bytes: number) =>
      ({ site: at, fn: 'f', owner: 'user' as const, via: null, bytes, shape, tests: shape === 'growing' ? 19 : 0, byPhase: { beforeAll: 0, beforeEach: 0, test: bytes, afterEach: 0, afterAll: 0 } });
    const scope = { ...leak(), sites: [site('src/table.ts:9:10', 'once', 4 * MB), site('src/sessions.ts:5:17', 'growing', MB), site('src/sessions.ts:9:1', 'growing', 1000)] };
    const table = { ...culprit, name: 'Row', retainedSize: 4 * MB, holder: 'user' as const, heldIn: 'src/table.ts' };
    const session = { ...culprit, name: 'Session', retainedSize: MB, holder: 'user' as const, heldIn: 'src/sessions.ts' };
    const ranked = withAnalysis(scope, { ok: true, culprits: [table, session], newObjects: 3, userRetained: 5 * MB, internalRetained: 0 }).culprits;
    expect(ranked.map((c) => [c.name, c.site, c.tests])).toEqual([
      ['Session', 'src/sessions.ts:5:17', 19],
      ['Row', null, null],
    ]);
    expect(ranked[1]!.heldIn).toBe('src/table.ts');
  });

  it('keeps the verdict and records why the analysis failed', () => {
    const scope = withAnalysis(leak(), { ok: false, error: 'x.heapsnapshot: truncated' });
    expect(scope.verdict).toBe('leak');
    expect(scope.analysisError).toBe('x.heapsnapshot: truncated');
  });
});
