import { formatBytes } from '../core/bytes.js';
import type { ScopeRecord } from '../core/record.js';
import { judge } from '../core/verdict.js';
import type { ScopeAnalysis } from '../engine/scope-analysis.js';
import type { Measurement } from '../core/measure.js';
import { REPORT_SCHEMA_VERSION, type MemoryFigures, type Report, type ReportFile, type ReportScope } from './schema.js';

export interface CollectInput {
  readonly toolVersion: string;
  readonly runner: Report['runner'];
  readonly node: string;
  readonly snapshots: boolean;
  readonly outDir: string;
  readonly threshold: number;
  readonly records: readonly ScopeRecord[];
  readonly files: readonly ReportFile[];
  readonly problems: readonly string[];
  /** Snapshot analyses by the scope's `before` snapshot path (relative to outDir). */
  readonly analyses?: ReadonlyMap<string, ScopeAnalysis>;
}

const ORDER = { leak: 0, inconclusive: 1, ok: 2 } as const;

function figures(before: number, after: number): MemoryFigures {
  return { before, after, growth: after - before };
}

function memory(before: Measurement | null, after: Measurement | null): ReportScope['memory'] {
  if (!before || !after) return null;
  return {
    usedHeap: figures(before.usedHeap, after.usedHeap),
    external: figures(before.external, after.external),
    detachedContexts: figures(before.detachedContexts, after.detachedContexts),
  };
}

/** One record, judged, in report form. */
export function toReportScope(record: ScopeRecord, threshold: number): ReportScope {
  const judgement = judge(record, threshold);
  const snaps = record.snapshots;
  return {
    file: record.file,
    suite: record.suite,
    worker: record.worker,
    heap: judgement.heap,
    retained: judgement.retained?.bytes ?? null,
    retainedMethod: judgement.retained?.method ?? null,
    verdict: judgement.verdict,
    reason: judgement.reason,
    culprits: [],
    analysisError: null,
    snapshots:
      snaps.status === 'written' && snaps.after !== null ? { before: snaps.before, after: snaps.after } : null,
    snapshotsSkipped:
      snaps.status === 'skipped'
        ? snaps.reason
        : snaps.status === 'written' && snaps.after === null && record.state === 'done'
          ? 'the after snapshot was not written'
          : null,
    memory: memory(record.before, record.after),
  };
}

/**
 * Adds what the snapshot engine found to a flagged scope. A scope that grew
 * but whose new objects keep no more than the threshold alive outside engine
 * and runner internals is downgraded to ok, with that reason.
 */
export function withAnalysis(scope: ReportScope, analysis: ScopeAnalysis | undefined, threshold: number): ReportScope {
  if (!analysis) return scope;
  if (!analysis.ok) return { ...scope, analysisError: analysis.error };
  const culprits = analysis.culprits.map((c) => ({
    name: c.name,
    count: c.count,
    size: c.size,
    retainedSize: c.retainedSize,
    path: c.path,
    paths: c.paths,
  }));
  if (scope.verdict === 'leak' && analysis.userRetained <= threshold) {
    return {
      ...scope,
      verdict: 'ok',
      reason:
        `${scope.reason}; but its new objects keep only ${formatBytes(analysis.userRetained)} alive outside ` +
        `engine and runner internals (${formatBytes(analysis.internalRetained)} there), so it is not a leak`,
      culprits,
    };
  }
  return { ...scope, culprits };
}

/** Flagged first, then by file and suite, so the order is stable across runs. */
export function compareScopes(a: ReportScope, b: ReportScope): number {
  return (
    ORDER[a.verdict] - ORDER[b.verdict] ||
    a.file.localeCompare(b.file) ||
    a.suite.localeCompare(b.suite) ||
    a.worker.threadId - b.worker.threadId ||
    a.worker.pid - b.worker.pid
  );
}

/** Builds the report from worker records and the files found on disk. Pure. */
export function collectReport(input: CollectInput): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'heaplens', version: input.toolVersion },
    runner: input.runner,
    node: input.node,
    snapshots: input.snapshots,
    outDir: input.outDir,
    threshold: input.threshold,
    scopes: input.records
      .map((r) => {
        const scope = toReportScope(r, input.threshold);
        return withAnalysis(scope, scope.snapshots ? input.analyses?.get(scope.snapshots.before) : undefined, input.threshold);
      })
      .sort(compareScopes),
    files: [...input.files].sort((a, b) => a.path.localeCompare(b.path)),
    problems: input.problems,
  };
}

export function countLeaks(report: Report): number {
  return report.scopes.filter((s) => s.verdict === 'leak').length;
}
