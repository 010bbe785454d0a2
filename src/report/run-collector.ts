import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import type { EnvironmentRecord } from '../core/environment-record.js';
import { frameContextOf } from '../core/frames.js';
import { ENV, quietReport } from '../core/env.js';
import type { ResolvedOptions } from '../core/options.js';
import { prepareOutDir, TRASH_PREFIX } from '../core/out-dir.js';
import { joinInside } from '../core/paths.js';
import type { ScopeRecord } from '../core/record.js';
import { AnalysisQueue, type EnvironmentAnalysis, type ScopeAnalysis } from '../engine/scope-analysis.js';
import { HEAPLENS_VERSION } from '../version.js';
import { collectReport, failureMessage, toReportScope } from './collect.js';
import { listSnapshotFiles, readEnvironmentRecords, readRecords, removeFile, writeHandshake, writeReport } from './emit.js';
import { okScopeSnapshots, unretainedEnvironmentSnapshots } from './keep-snapshots.js';
import { renderTerminal } from './render-terminal.js';
import { LOG_PACE, SnapshotProgress, TTY_PACE } from './snapshot-progress.js';
import type { Report } from './schema.js';

/** Culprits kept per flagged scope. */
const TOP_CULPRITS = 5;

/**
 * What both runners' reporters do with a run's output directory: prepare it
 * when the run starts, send each finished file's snapshots to the analysis
 * worker as soon as the file is done (so analysis overlaps the run), and
 * assemble the report at the end. Judging and rendering stay pure (collect.ts,
 * render-terminal.ts); this class owns the I/O and the analysis queue.
 */
export class RunCollector {
  private queue: AnalysisQueue | null = null;
  private progress: SnapshotProgress | null = null;
  /** Snapshot files deleted under keepSnapshots 'flagged', and their bytes. */
  private removed = { files: new Set<string>(), bytes: 0 };
  /** The deletion of the last run's output (prepareOutDir): null once done, else why it failed. */
  private cleared: Promise<string | null> = Promise.resolve(null);

  constructor(
    readonly options: ResolvedOptions,
    /** The built analyse-worker.js, relative to the calling bundle. */
    private readonly analyseWorker: URL,
  ) {}

  /** Before any worker starts: the new run replaces the last one's output. */
  start(): void {
    const { outDir } = this.options;
    this.cleared = prepareOutDir(outDir).then(
      () => null,
      (error: unknown) =>
        `could not delete the last run's output in ${outDir} (${error instanceof Error ? error.message : String(error)}); delete its ${TRASH_PREFIX}* folders by hand`,
    );
    this.removed = { files: new Set<string>(), bytes: 0 };
    this.progress?.stop();
    this.progress = new SnapshotProgress(
      this.options.outDir,
      (line) => process.stderr.write(`${line}\n`),
      process.stderr.isTTY ? TTY_PACE : LOG_PACE,
      this.options.snapshotTimeBudget,
    );
    this.progress.start();
    // The worker file is in heaplens' dist/engine: its frames and timers are heaplens' own.
    const ownDir = resolve(dirname(fileURLToPath(this.analyseWorker)), '..');
    this.queue = new AnalysisQueue(this.analyseWorker, TOP_CULPRITS, frameContextOf(this.options.root, ownDir));
  }

  /**
   * Queues the snapshot pairs of one finished test file's flagged scopes, and
   * (keepSnapshots 'flagged') deletes its ok scopes' pairs right away, so that
   * a long run's snapshot folder holds only what can still matter.
   */
  async fileDone(file: string): Promise<void> {
    if (!this.options.snapshots) return;
    const { records } = await readRecords(this.options.outDir, file);
    this.scheduleScopes(records);
    await this.prune(okScopeSnapshots(records, this.options.threshold));
  }

  /** Deletes snapshot files keepSnapshots does not keep (none with 'all'), counting their bytes. */
  private async prune(paths: readonly string[]): Promise<void> {
    if (this.options.keepSnapshots === 'all') return;
    for (const path of paths) {
      if (this.removed.files.has(path)) continue;
      const bytes = await removeFile(this.inOutDir(path));
      if (bytes === null) continue;
      this.removed.files.add(path);
      this.removed.bytes += bytes;
    }
  }

  /** Queues the explanation of a retained environment. */
  environmentDone(record: EnvironmentRecord): void {
    this.scheduleEnvironments([record]);
  }

  private scheduleScopes(records: readonly ScopeRecord[]): Map<string, Promise<ScopeAnalysis>> {
    const pending = new Map<string, Promise<ScopeAnalysis>>();
    if (!this.queue) return pending;
    for (const record of records) {
      const scope = toReportScope(record, this.options.threshold);
      if (scope.verdict !== 'leak' || !scope.snapshots) continue;
      const { before, after } = scope.snapshots;
      pending.set(before, this.queue.add(this.inOutDir(before), this.inOutDir(after)));
    }
    return pending;
  }

  private scheduleEnvironments(records: readonly EnvironmentRecord[]): Map<string, Promise<EnvironmentAnalysis>> {
    const pending = new Map<string, Promise<EnvironmentAnalysis>>();
    if (!this.queue) return pending;
    for (const record of records) {
      const shot = record.snapshot;
      if (record.state !== 'retained' || shot?.status !== 'written') continue;
      pending.set(shot.file, this.queue.explain(this.inOutDir(shot.file), shot.probe));
    }
    return pending;
  }

  private inOutDir(path: string): string {
    return joinInside(this.options.outDir, path);
  }

  /** Reads every record, waits for the analyses and assembles the report. */
  async build(runner: Report['runner']): Promise<Report> {
    this.progress?.stop();
    const { outDir } = this.options;
    const [scopes, environments, files, clearing] = await Promise.all([
      readRecords(outDir),
      readEnvironmentRecords(outDir),
      listSnapshotFiles(outDir),
      this.cleared,
    ]);
    const analyses = await settle(this.options.snapshots ? this.scheduleScopes(scopes.records) : new Map<string, Promise<ScopeAnalysis>>());
    const environmentAnalyses = await settle(this.scheduleEnvironments(environments.records));
    await this.prune([
      ...(this.options.snapshots ? okScopeSnapshots(scopes.records, this.options.threshold) : []),
      ...unretainedEnvironmentSnapshots(environments.records, environmentAnalyses),
    ]);
    const kept = this.removed.files.size > 0 ? await listSnapshotFiles(outDir) : files;
    return collectReport({
      toolVersion: HEAPLENS_VERSION,
      runner,
      node: process.version,
      snapshots: this.options.snapshots,
      outDir,
      threshold: this.options.threshold,
      records: scopes.records,
      files: kept,
      removed: this.removed,
      keepSnapshots: this.options.keepSnapshots,
      analysis: this.queue?.stats() ?? { jobs: 0, peakBytes: 0 },
      problems: [...(clearing === null ? [] : [clearing]), ...scopes.problems, ...environments.problems],
      analyses,
      environments: environments.records,
      environmentAnalyses,
    });
  }
}

/** What a reporter prints at the end of a run, and why heaplens fails it (null when it does not). */
export interface RunEnd {
  readonly report: Report;
  readonly lines: string[];
  readonly failure: string | null;
}

/**
 * The end of a run, for either runner: builds and writes report.json, renders
 * the terminal report (with the failOnLeak line, if any) and tells the
 * `heaplens` CLI where the report is. The reporter prints the lines and
 * fails the run its runner's way. Run by the CLI (HEAPLENS_QUIET), there are
 * no lines: the CLI prints the report, once, after its last run.
 */
export async function finishRun(collector: RunCollector, runner: Report['runner'], env: NodeJS.ProcessEnv): Promise<RunEnd> {
  const { outDir, failOnLeak } = collector.options;
  const report = await collector.build(runner);
  await writeReport(outDir, report);
  const lines = renderTerminal(report, {
    colors: pc.createColors(pc.isColorSupported),
    displayOutDir: relative(process.cwd(), outDir) || '.',
  });
  const failure = failureMessage(report, failOnLeak);
  if (failure) lines.push(pc.red(failure));
  await writeHandshake(env[ENV.handshake], outDir, report, failure);
  return { report, lines: quietReport(env) ? [] : lines, failure };
}

async function settle<T>(pending: Map<string, Promise<T>>): Promise<Map<string, T>> {
  const done = new Map<string, T>();
  for (const [key, result] of pending) done.set(key, await result);
  return done;
}
