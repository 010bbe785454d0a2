import { relative } from 'node:path';
import pc from 'picocolors';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { writeFileAtomic } from '../core/atomic-write.js';
import { ENV } from '../core/env.js';
import type { ResolvedOptions } from '../core/options.js';
import { prepareOutDir } from '../core/out-dir.js';
import { AnalysisQueue, type ScopeAnalysis } from '../engine/scope-analysis.js';
import { joinInside, toPosixRelative } from '../core/paths.js';
import type { ScopeRecord } from '../core/record.js';
import { collectReport, countLeaks, toReportScope } from '../report/collect.js';
import { listSnapshotFiles, readRecords, writeReport } from '../report/emit.js';
import { renderTerminal } from '../report/render-terminal.js';
import type { Report } from '../report/schema.js';
import { HEAPLENS_VERSION } from '../version.js';

/** Marks the reporter instance so the plugin adds it once, however many projects use heaplens. */
export const REPORTER_MARK = Symbol.for('heaplens.vitest.reporter');

/** The built analysis worker, beside this bundle's folder (dist/vitest → dist/engine). */
const ANALYSE_WORKER = new URL('../engine/analyse-worker.js', import.meta.url);
/** Culprits kept per flagged scope. */
const TOP_CULPRITS = 5;

/**
 * Vitest reporter: prepares outDir when a run starts; when it ends, reads the
 * workers' scope records, judges them, prints the terminal report, writes
 * report.json and fails the run on leaks when asked. Collecting and rendering
 * are pure functions in src/report; this class only does I/O.
 */
export class HeaplensReporter implements Reporter {
  readonly [REPORTER_MARK] = true;
  private vitest: Vitest | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private queue: AnalysisQueue | null = null;

  constructor(
    readonly options: ResolvedOptions,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.env = env;
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunStart(): void {
    // Before any worker starts: the new run replaces the last one's output.
    prepareOutDir(this.options.outDir);
    this.queue = this.options.snapshots ? new AnalysisQueue(ANALYSE_WORKER, TOP_CULPRITS) : null;
  }

  /** As soon as a file is done, its flagged scopes' snapshot pairs go to the analysis worker. */
  async onTestModuleEnd(testModule: TestModule): Promise<void> {
    if (!this.queue) return;
    const file = toPosixRelative(testModule.project.config.root, testModule.moduleId);
    this.scheduleAnalyses((await readRecords(this.options.outDir, file)).records);
  }

  /** Queues every flagged scope with a snapshot pair (the queue runs each pair once). */
  private scheduleAnalyses(records: readonly ScopeRecord[]): Map<string, Promise<ScopeAnalysis>> {
    const pending = new Map<string, Promise<ScopeAnalysis>>();
    if (!this.queue) return pending;
    for (const record of records) {
      const scope = toReportScope(record, this.options.threshold);
      if (scope.verdict !== 'leak' || !scope.snapshots) continue;
      const { before, after } = scope.snapshots;
      pending.set(before, this.queue.add(joinInside(this.options.outDir, before), joinInside(this.options.outDir, after)));
    }
    return pending;
  }

  async onTestRunEnd(_modules?: ReadonlyArray<TestModule>): Promise<void> {
    const report = await this.buildReport();
    await writeReport(this.options.outDir, report);
    const lines = renderTerminal(report, {
      colors: pc.createColors(pc.isColorSupported),
      displayOutDir: relative(process.cwd(), this.options.outDir) || '.',
    });
    const leaks = countLeaks(report);
    if (this.options.failOnLeak && leaks > 0) {
      process.exitCode = 1;
      lines.push(
        pc.red(
          `heaplens: failing the run because ${leaks} tracked scope${leaks === 1 ? '' : 's'} leaked (failOnLeak is on)`,
        ),
      );
    }
    if (lines.length > 0) this.log(lines.join('\n'));
    await this.handshake(report, leaks);
  }

  private async buildReport(): Promise<Report> {
    const { outDir } = this.options;
    const [{ records, problems }, files] = await Promise.all([readRecords(outDir), listSnapshotFiles(outDir)]);
    const pending = this.scheduleAnalyses(records);
    const analyses = new Map<string, ScopeAnalysis>();
    for (const [before, result] of pending) analyses.set(before, await result);
    return collectReport({
      toolVersion: HEAPLENS_VERSION,
      runner: { name: 'vitest', version: this.vitest?.version ?? 'unknown' },
      node: process.version,
      snapshots: this.options.snapshots,
      outDir,
      threshold: this.options.threshold,
      records,
      files,
      problems,
      analyses,
    });
  }

  /** Tells the `heaplens` CLI (when it started this run) where the report is. */
  private async handshake(report: Report, leaks: number): Promise<void> {
    const target = this.env[ENV.handshake];
    if (!target) return;
    const summary = { reportPath: `${this.options.outDir}/report.json`, scopes: report.scopes.length, leaks };
    await writeFileAtomic(target, JSON.stringify(summary));
  }

  private log(text: string): void {
    if (this.vitest) this.vitest.logger.log(text);
    else process.stdout.write(`${text}\n`);
  }
}
