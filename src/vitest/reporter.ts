import type { Reporter, TestModule, Vitest } from 'vitest/node';
import type { ResolvedOptions } from '../core/options.js';
import { toPosixRelative } from '../core/paths.js';
import { finishRun, RunCollector } from '../report/run-collector.js';

/** Marks the reporter instance so the plugin adds it once, however many projects use heaplens. */
export const REPORTER_MARK = Symbol.for('heaplens.vitest.reporter');

/** The built analysis worker, beside this bundle's folder (dist/vitest → dist/engine). */
const ANALYSE_WORKER = new URL('../engine/analyse-worker.js', import.meta.url);

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
  private readonly collector: RunCollector;

  constructor(
    readonly options: ResolvedOptions,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.env = env;
    this.collector = new RunCollector(options, ANALYSE_WORKER);
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunStart(): void {
    this.collector.start();
  }

  /** As soon as a file is done, its flagged scopes' snapshot pairs go to the analysis worker. */
  async onTestModuleEnd(testModule: TestModule): Promise<void> {
    await this.collector.fileDone(toPosixRelative(testModule.project.config.root, testModule.moduleId));
  }

  async onTestRunEnd(_modules?: ReadonlyArray<TestModule>): Promise<void> {
    const { lines, failure } = await finishRun(this.collector, { name: 'vitest', version: this.vitest?.version ?? 'unknown' }, this.env);
    if (failure) process.exitCode = 1;
    if (lines.length > 0) this.log(lines.join('\n'));
  }

  private log(text: string): void {
    if (this.vitest) this.vitest.logger.log(text);
    else process.stdout.write(`${text}\n`);
  }
}
