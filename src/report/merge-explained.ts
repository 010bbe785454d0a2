/**
 * `heaplens --heap-snapshots` runs the suite twice at most: once without
 * snapshots for the verdicts, then only the files with a leak again, with
 * snapshots, for the culprits (see src/cli/run-tests.ts for why). These pure
 * functions pick the files to run again and merge the two reports into one:
 * the first run's verdicts, the second run's snapshots and culprits.
 */
import type { Report, ReportEnvironment, ReportScope } from './schema.js';

/** Why a scope has no snapshots after a two-run `--heap-snapshots`. */
export const NOT_RERUN = 'no snapshots: only the scopes that leaked are run again with snapshots (--keep-snapshots all snapshots every scope)';
export const RERUN_MISSED = 'no snapshots: the run with snapshots did not reach this scope';

/** Test files to run again with snapshots: those with a leak, or with a retained environment no snapshot explains. */
export function filesToExplain(report: Report): string[] {
  const files = new Set<string>();
  for (const scope of report.scopes) if (scope.verdict === 'leak') files.add(scope.file);
  for (const environment of report.retainedEnvironments) if (environment.snapshot === null) files.add(environment.file);
  return [...files].sort();
}

/**
 * Whether the first run's test files ran in worker processes or threads
 * (two processes, or a thread other than a main thread, among its scopes and
 * environments), so that the second run can run its few files the same way.
 */
export function ranInWorkers(report: Report): boolean {
  const workers = [...report.scopes, ...report.retainedEnvironments].map((s) => s.worker);
  return workers.some((w) => w.threadId !== 0) || new Set(workers.map((w) => w.pid)).size > 1;
}

/** The scopes of those files that get snapshots in the second run: the leaks (the others run, without snapshots). */
export function scopesToExplain(report: Report): Array<[file: string, suite: string]> {
  return report.scopes.filter((s) => s.verdict === 'leak').map((s): [string, string] => [s.file, s.suite]);
}

const scopeKey = (scope: Pick<ReportScope, 'file' | 'suite'>) => `${scope.file}\u0000${scope.suite}`;

/** The second run's scopes by file and suite; a title used twice in a file is matched in order. */
function queues(scopes: readonly ReportScope[]): Map<string, ReportScope[]> {
  const byKey = new Map<string, ReportScope[]>();
  for (const scope of scopes) {
    const list = byKey.get(scopeKey(scope)) ?? [];
    list.push(scope);
    byKey.set(scopeKey(scope), list);
  }
  return byKey;
}

function mergeScope(scope: ReportScope, again: ReportScope | undefined): ReportScope {
  const changed =
    again && scope.verdict === 'leak' && again.verdict !== 'leak'
      ? `no culprits: the run with snapshots judged it ${again.verdict} (${again.reason})`
      : null;
  // Not run again, or run again without snapshots (only the leaks get them, see scopesToExplain).
  if (!again || (changed === null && again.snapshots === null && again.snapshotsSkipped === null)) {
    return { ...scope, culprits: [], analysisError: null, snapshots: null, snapshotsSkipped: scope.verdict === 'leak' ? RERUN_MISSED : NOT_RERUN };
  }
  return {
    ...scope,
    culprits: again.culprits,
    analysisError: again.analysisError,
    snapshots: again.snapshots,
    snapshotsSkipped: changed ?? again.snapshotsSkipped,
  };
}

function mergeEnvironment(environment: ReportEnvironment, again: readonly ReportEnvironment[]): ReportEnvironment {
  if (environment.snapshot !== null) return environment;
  return again.find((e) => e.file === environment.file && e.snapshot !== null) ?? environment;
}

export interface Merged {
  readonly report: Report;
  /**
   * Environment snapshots of the second run that the report does not use
   * (the first run had explained that environment already), relative to
   * outDir: to delete. They count as written, not kept.
   */
  readonly unused: readonly string[];
}

/** One report: `verdicts`' scopes and environments, with the snapshots and culprits `explained` found for them. */
export function mergeExplained(verdicts: Report, explained: Report): Merged {
  const again = queues(explained.scopes);
  const scopes = verdicts.scopes.map((scope) => mergeScope(scope, again.get(scopeKey(scope))?.shift()));
  const retainedEnvironments = verdicts.retainedEnvironments.map((e) => mergeEnvironment(e, explained.retainedEnvironments));
  const used = new Set(retainedEnvironments.map((e) => e.snapshot));
  const unused = new Set(explained.retainedEnvironments.flatMap((e) => (e.snapshot !== null && !used.has(e.snapshot) ? [e.snapshot] : [])));
  const byPath = new Map([...verdicts.files, ...explained.files.filter((f) => !unused.has(f.path))].map((f) => [f.path, f]));
  const files = [...byPath.values()].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const a = verdicts.snapshotFiles;
  const b = explained.snapshotFiles;
  const report: Report = {
    ...verdicts,
    snapshots: true,
    scopes,
    retainedEnvironments,
    files,
    snapshotFiles: {
      keep: 'flagged',
      written: a.written + b.written,
      writtenBytes: a.writtenBytes + b.writtenBytes,
      kept: files.length,
      keptBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    },
    analysis: { jobs: verdicts.analysis.jobs + explained.analysis.jobs, peakBytes: Math.max(verdicts.analysis.peakBytes, explained.analysis.peakBytes) },
    problems: [...verdicts.problems, ...explained.problems.map((p) => `run with snapshots: ${p}`)],
  };
  return { report, unused: [...unused] };
}

/**
 * The first run's report when there is no second one: nothing leaked (`why`
 * null), or the run with snapshots gave no report (`why` says so, for the leaks).
 */
export function withoutExplanation(verdicts: Report, why: string | null): Report {
  return {
    ...verdicts,
    snapshots: true,
    scopes: verdicts.scopes.map((s) => ({
      ...s,
      snapshots: null,
      snapshotsSkipped: s.verdict === 'leak' && why !== null ? `no snapshots: ${why}` : NOT_RERUN,
    })),
  };
}
