import type { ScopeRecord } from '../core/record.js';
import { judge, type Judgement } from '../core/verdict.js';
import type { Attribution } from '../core/attribution.js';
import { seriesAt, siteShape, type Series } from '../core/repetition.js';
import type { EnvironmentAnalysis, ScopeAnalysis } from '../engine/scope-analysis.js';
import { retainedTotal, type Measurement } from '../core/measure.js';
import type { EnvironmentRecord } from '../core/environment-record.js';
import {
  REPORT_SCHEMA_VERSION,
  type MemoryFigures,
  type Report,
  type ReportEnvironment,
  type ReportFile,
  type ReportCulprit,
  type ReportScope,
  type ReportSite,
} from './schema.js';

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
  /** Environment records (Jest), and the analyses of their snapshots by snapshot path. */
  readonly environments?: readonly EnvironmentRecord[];
  readonly environmentAnalyses?: ReadonlyMap<string, EnvironmentAnalysis>;
  /** Snapshot files (relative to outDir) deleted under keepSnapshots 'flagged', with their total size. */
  readonly removed?: { readonly files: ReadonlySet<string>; readonly bytes: number };
  readonly keepSnapshots?: 'flagged' | 'all';
  readonly analysis?: { readonly jobs: number; readonly peakBytes: number };
}

/** How the end of a retained environment's path is shown. */
export const ENVIRONMENT_GLOBAL = '(test environment global)';

/**
 * A retained environment as reported, or null when it is not one: released,
 * or its snapshot shows nothing but weak references hold it.
 */
export function toReportEnvironment(record: EnvironmentRecord, analysis: EnvironmentAnalysis | undefined): ReportEnvironment | null {
  if (record.state !== 'retained') return null;
  const base = { file: record.file, worker: record.worker, bytes: null };
  const shot = record.snapshot;
  if (!shot || shot.status === 'skipped') return { ...base, path: [], snapshot: null, note: shot?.reason ?? 'no snapshot was taken' };
  if (shot.status === 'writing') {
    return { ...base, path: [], snapshot: null, note: 'the worker stopped before the snapshot that explains it was complete' };
  }
  if (!analysis) return { ...base, path: [], snapshot: shot.file, note: 'the snapshot was not analysed' };
  if (!analysis.ok) return { ...base, path: [], snapshot: shot.file, note: `snapshot analysis failed: ${analysis.error}` };
  const { retention } = analysis;
  if (retention.status === 'unreachable') return null;
  if (retention.status === 'absent') return { ...base, path: [], snapshot: shot.file, note: 'the environment is not in its snapshot' };
  // The path ends at the object that carried the probe: the environment's global (for a vm context, its sandbox object).
  return {
    ...base,
    bytes: retention.bytes,
    path: [...retention.path.slice(0, -1), ENVIRONMENT_GLOBAL],
    snapshot: shot.file,
    note: holderNote(retention.path),
  };
}

/** A word on holders that are not the test file's own code. */
export function holderNote(path: readonly string[]): string | null {
  if (path.some((segment) => segment.includes('(ModuleWrap)'))) {
    return "held by Node's vm module records (an ES module test file under --experimental-vm-modules): a Node/Jest limitation, not this file's code";
  }
  return null;
}

/**
 * A line for sites whose positions are in transformed code (no source map), so that nobody looks for
 * line 6674 of a 429-line file; null when every reported site is a source position.
 */
export function unmappedProblem(records: readonly ScopeRecord[]): string | null {
  const files = [...new Set(records.flatMap((r) => r.attribution?.unmapped ?? []))].sort();
  if (files.length === 0) return null;
  const which = files.length === 1 ? files[0]! : `${files[0]} and ${files.length - 1} other file${files.length === 2 ? '' : 's'}`;
  return `sites in ${which} are lines of the code the transformer produced, not of the source: it gave no source map (for ts-jest, set "sourceMap": true in the tsconfig it uses)`;
}

/** Problems worth a line: checks that failed or never finished. */
export function environmentProblems(records: readonly EnvironmentRecord[]): string[] {
  const problems: string[] = [];
  for (const record of records) {
    if (record.error) problems.push(`${record.file}: ${record.error}`);
    else if (record.state === 'running' || record.state === 'checking') {
      problems.push(`${record.file}: the check whether its test environment was released did not finish (the worker stopped?)`);
    }
  }
  return problems;
}

const ORDER = { leak: 0, inconclusive: 1, 'one-time': 2, bounded: 3, ok: 4 } as const;

/** Sites shown per scope in report.json. */
const REPORT_SITES = 8;

/** Bytes per observed test, summed over some series (sites or frames). */
export function sumSeries(series: readonly Series[], observed: readonly number[]): number[] {
  const sum = new Array<number>(observed.length).fill(0);
  for (const one of series) {
    seriesAt(one, observed).forEach((bytes, i) => {
      sum[i]! += bytes;
    });
  }
  return sum;
}

/**
 * The per-test series a scope is shown with: for a leak, what its growing
 * sites kept (a one-time structure beside it would flatten the chart);
 * otherwise what all user sites kept (runner-held memory left out).
 */
export function keptSeries(attribution: Attribution, judgement: Judgement): number[] {
  const growing = judgement.verdict === 'leak' ? judgement.growing.map((t) => t.site) : [];
  const series = growing.length > 0 ? growing : attribution.sites.filter((site) => site.owner === 'user');
  return sumSeries(series, attribution.observed);
}

/** The top sites, for scopes whose sites were mapped to the sources (the others kept too little to matter). */
export function reportSites(attribution: Attribution): ReportSite[] {
  if (!attribution.sourceMapped) return [];
  return attribution.sites.slice(0, REPORT_SITES).map((site) => {
    const trend = siteShape(site, attribution.observed);
    return {
      site: site.site,
      fn: site.fn,
      owner: site.owner,
      via: site.via,
      bytes: site.bytes,
      shape: trend.shape,
      tests: trend.hits,
      byPhase: site.byPhase,
    };
  });
}

function repetitionFields(record: ScopeRecord, judgement: Judgement): Pick<ReportScope, 'tests' | 'series' | 'rate' | 'sites' | 'runnerNote'> {
  const attribution = record.attribution;
  const measured = judgement.verdict !== 'inconclusive';
  return {
    tests: attribution?.tests ?? null,
    series: attribution ? keptSeries(attribution, judgement) : [],
    rate: measured ? judgement.rate : null,
    sites: attribution ? reportSites(attribution) : [],
    runnerNote: measured ? judgement.runnerNote : null,
  };
}

function figures(before: number, after: number): MemoryFigures {
  return { before, after, growth: after - before };
}

/** The raw figures at both ends (`startAfterGc` false: the start was read without a GC, and counts garbage). */
function memory(before: Measurement | null, after: Measurement | null): ReportScope['memory'] {
  if (!before || !after) return null;
  return {
    startAfterGc: before.settled !== false,
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
    ...repetitionFields(record, judgement),
    culprits: [],
    analysisError: null,
    snapshots:
      snaps.status === 'written' && snaps.after !== null
        ? { before: snaps.before, after: snaps.after, baselineAfterTests: snaps.baselineAfterTests ?? 0 }
        : null,
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
 * Adds what the snapshot engine found to a flagged scope. Snapshots only
 * explain: the verdict is the same with or without them.
 */
export function withAnalysis(scope: ReportScope, analysis: ScopeAnalysis | undefined): ReportScope {
  if (!analysis) return scope;
  if (!analysis.ok) return { ...scope, analysisError: analysis.error };
  const culprits = rankCulprits(
    analysis.culprits.map((c) => {
      const grew = growingSiteIn(scope.sites, c.heldIn);
      return {
        name: c.name,
        count: c.count,
        size: c.size,
        retainedSize: c.retainedSize,
        path: c.path,
        paths: c.paths,
        heldIn: c.heldIn,
        site: grew?.site ?? null,
        tests: grew?.tests ?? null,
      };
    }),
  );
  return { ...scope, culprits };
}

/** `src/cache.ts` of `src/cache.ts:5:3`. */
function fileOfSite(site: string): string {
  return site.replace(/:\d+:\d+$/, '');
}

/**
 * The growing allocation site (kept memory test after test) in the file
 * whose code holds a culprit, the largest if several: how a class of new
 * objects is matched to the repetition evidence without per-object stacks.
 */
export function growingSiteIn(sites: readonly ReportSite[], heldIn: string | null): ReportSite | null {
  if (heldIn === null) return null;
  return sites.filter((s) => s.owner === 'user' && s.shape === 'growing' && fileOfSite(s.site) === heldIn).sort((a, b) => b.bytes - a.bytes)[0] ?? null;
}

/** Culprits held by the code of a growing site first (what repeats, not warm-up), then by retained size. */
export function rankCulprits(culprits: readonly ReportCulprit[]): ReportCulprit[] {
  return [...culprits].sort((a, b) => Number(b.site !== null) - Number(a.site !== null) || b.retainedSize - a.retainedSize);
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
  const unmapped = unmappedProblem(input.records);
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
        const judged = toReportScope(r, input.threshold);
        // A pair keepSnapshots deleted is not named: the report lists only files that exist.
        const scope = judged.snapshots && input.removed?.files.has(judged.snapshots.before) ? { ...judged, snapshots: null } : judged;
        return withAnalysis(scope, scope.snapshots ? input.analyses?.get(scope.snapshots.before) : undefined);
      })
      .sort(compareScopes),
    retainedEnvironments: (input.environments ?? [])
      .map((r) => toReportEnvironment(r, r.snapshot && r.snapshot.status === 'written' ? input.environmentAnalyses?.get(r.snapshot.file) : undefined))
      .filter((e): e is ReportEnvironment => e !== null)
      .sort((a, b) => (b.bytes ?? -1) - (a.bytes ?? -1) || a.file.localeCompare(b.file)),
    files: [...input.files].sort((a, b) => a.path.localeCompare(b.path)),
    snapshotFiles: snapshotFiles(input),
    analysis: input.analysis ?? { jobs: 0, peakBytes: 0 },
    problems: [...input.problems, ...environmentProblems(input.environments ?? []), ...(unmapped ? [unmapped] : [])],
  };
}

export function countLeaks(report: Report): number {
  return report.scopes.filter((s) => s.verdict === 'leak').length;
}

/** Written = kept (on disk now) + deleted. */
export function snapshotFiles(input: Pick<CollectInput, 'files' | 'removed' | 'keepSnapshots'>): Report['snapshotFiles'] {
  const keptBytes = input.files.reduce((sum, f) => sum + f.bytes, 0);
  const removed = input.removed ?? { files: new Set<string>(), bytes: 0 };
  return {
    keep: input.keepSnapshots ?? 'flagged',
    written: input.files.length + removed.files.size,
    writtenBytes: keptBytes + removed.bytes,
    kept: input.files.length,
    keptBytes,
  };
}

/** Leaked scopes plus retained environments: what `failOnLeak` fails a run for. */
export function countFindings(report: Report): number {
  return countLeaks(report) + report.retainedEnvironments.length;
}

/** The line that explains why heaplens fails the run, or null when it does not. */
export function failureMessage(report: Report, failOnLeak: boolean): string | null {
  if (!failOnLeak) return null;
  const leaks = countLeaks(report);
  const environments = report.retainedEnvironments.length;
  if (leaks + environments === 0) return null;
  const parts = [
    ...(leaks > 0 ? [`${leaks} tracked scope${leaks === 1 ? '' : 's'} leaked`] : []),
    ...(environments > 0 ? [`${environments} test file${environments === 1 ? '' : 's'} left ${environments === 1 ? 'its' : 'their'} environment alive`] : []),
  ];
  return `heaplens: failing the run because ${parts.join(' and ')} (failOnLeak is on)`;
}
