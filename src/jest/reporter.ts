/**
 * `heaplens/jest/reporter`: the Jest reporter `withHeaplens()` appends to
 * your reporters. Hand wiring: `reporters: ['default', ['heaplens/jest/reporter', { threshold: '1MB' }]]`.
 */
import { FINAL_STATES, type EnvironmentRecord } from '../core/environment-record.js';
import { environmentRecordName } from '../core/naming.js';
import type { ResolvedOptions } from '../core/options.js';
import { toPosixRelative } from '../core/paths.js';
import { readEnvironmentRecord } from '../report/emit.js';
import { finishRun, RunCollector } from '../report/run-collector.js';
import { optionsFrom } from './carrier.js';
import { jestVersion } from './jest-version.js';

/** The built analysis worker, beside this bundle's folder (dist/jest → dist/engine). */
const ANALYSE_WORKER = new URL('../engine/analyse-worker.js', import.meta.url);
/** How often, and how long, to wait for a file's environment check (the worker runs it after handing back the result). */
const POLL_MS = 20;
const CHECK_TIMEOUT_MS = 30_000;
/** A retained environment's snapshot blocks its worker for as long as writing it takes. */
const SNAPSHOT_TIMEOUT_MS = 10 * 60_000;

/** The parts of Jest's reporter arguments heaplens reads. */
interface JestTest {
  readonly path: string;
  readonly context: { readonly config: { readonly id?: string; readonly rootDir: string } };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Prepares outDir when the run starts; after each test file, waits for the
 * worker to finish checking that file's environment (Jest does not stop a
 * worker while a reporter is still handling its last result, so a snapshot
 * is never cut short), and queues its snapshots for analysis; at the end
 * prints the report, writes report.json and, with failOnLeak, fails the run
 * through getLastError().
 */
export default class HeaplensJestReporter {
  readonly options: ResolvedOptions;
  private readonly collector: RunCollector;
  private lastError: Error | undefined;
  private readonly rootDir: string;

  constructor(globalConfig: { readonly rootDir: string }, reporterOptions?: unknown) {
    this.rootDir = globalConfig.rootDir;
    this.options = optionsFrom(reporterOptions ?? {}, globalConfig.rootDir, 'the heaplens reporter options in your Jest config');
    this.collector = new RunCollector(this.options, ANALYSE_WORKER);
  }

  onRunStart(): void {
    this.lastError = undefined;
    this.collector.start();
  }

  async onTestFileResult(test: JestTest): Promise<void> {
    const file = toPosixRelative(this.options.root, test.path);
    const record = await this.waitForEnvironment(file, test.context.config.id ?? '');
    if (record) this.collector.environmentDone(record);
    await this.collector.fileDone(file);
  }

  /** The file's environment record once its check is final; null when heaplens did not wrap that file's environment. */
  private async waitForEnvironment(file: string, project: string): Promise<EnvironmentRecord | null> {
    const name = environmentRecordName(file, project);
    const started = Date.now();
    for (;;) {
      const record = await readEnvironmentRecord(this.options.outDir, name);
      if (record === null || 'invalid' in record) return null;
      if (FINAL_STATES.has(record.state) && record.snapshot?.status !== 'writing') return record;
      // Jest tears an environment down before it hands back the file's result:
      // a record still `running` means the worker died first, and no check will come.
      if (record.state === 'running') return record;
      const limit = record.snapshot?.status === 'writing' ? SNAPSHOT_TIMEOUT_MS : CHECK_TIMEOUT_MS;
      if (Date.now() - started > limit) return record;
      await sleep(POLL_MS);
    }
  }

  async onRunComplete(): Promise<void> {
    const { lines, failure } = await finishRun(this.collector, { name: 'jest', version: jestVersion(this.rootDir) }, process.env);
    if (failure) this.lastError = new Error(failure);
    if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
  }

  /** Jest fails the run (exit 1) when a reporter returns an error here. */
  getLastError(): Error | undefined {
    return this.lastError;
  }
}
