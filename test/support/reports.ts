// Hand-made report.json values for the pure report functions' tests.
import { snapshotFiles } from '../../src/report/collect.js';
import type { Report, ReportScope } from '../../src/report/schema.js';

export const MB = 1024 * 1024;

/** A report scope with neutral defaults. */
export function scope(verdict: ReportScope['verdict'], file: string, suite: string, growth: number): ReportScope {
  return {
    file,
    suite,
    worker: { threadId: 1, pid: 42, workerId: null },
    heap: { before: 10 * MB, after: 10 * MB + growth, growth },
    retained: growth,
    retainedMethod: 'heap-delta',
    verdict,
    reason: `${verdict} because`,
    tests: null,
    series: [],
    rate: null,
    sites: [],
    runnerNote: null,
    culprits: [],
    analysisError: null,
    snapshots: null,
    snapshotsSkipped: null,
    memory: null,
  };
}

/** A report with neutral defaults. */
export function report(extra: Partial<Report> = {}): Report {
  return {
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
    snapshotFiles: snapshotFiles({ files: extra.files ?? [] }),
    analysis: { jobs: 0, peakBytes: 0 },
    problems: [],
    ...extra,
  };
}
