/**
 * Which snapshots `keepSnapshots: 'flagged'` lets go (pure). A pair is kept
 * for every scope that is not `ok` (it is what a user opens in DevTools'
 * Comparison view) and a snapshot for every retained environment; the rest
 * only cost disk space: on real suites most of a run's gigabytes.
 */
import type { EnvironmentRecord } from '../core/environment-record.js';
import type { ScopeRecord } from '../core/record.js';
import type { EnvironmentAnalysis } from '../engine/scope-analysis.js';
import { toReportEnvironment, toReportScope } from './collect.js';

/** The snapshot files (relative to outDir) of finished scopes whose verdict is `ok`. */
export function okScopeSnapshots(records: readonly ScopeRecord[], threshold: number): string[] {
  const files: string[] = [];
  for (const record of records) {
    if (record.state !== 'done' || toReportScope(record, threshold).verdict !== 'ok') continue;
    const shots = record.snapshots;
    if (shots.status === 'written') files.push(shots.before, ...(shots.after ? [shots.after] : []));
    else if (shots.status === 'skipped' && shots.before) files.push(shots.before);
  }
  return files;
}

/** The snapshots of environments that turned out not to be retained (only weak references held them). */
export function unretainedEnvironmentSnapshots(
  records: readonly EnvironmentRecord[],
  analyses: ReadonlyMap<string, EnvironmentAnalysis>,
): string[] {
  const files: string[] = [];
  for (const record of records) {
    const shot = record.snapshot;
    if (record.state !== 'retained' || shot?.status !== 'written') continue;
    const analysis = analyses.get(shot.file);
    if (analysis && toReportEnvironment(record, analysis) === null) files.push(shot.file);
  }
  return files;
}
