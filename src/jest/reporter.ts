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
/** How often, and how long, to wait for the environment checks still running at the end (the workers run them in batches). */
const POLL_MS = 20;
const CHECK_TIMEOUT_MS = 30_000;
/** A retained environment's snapshot blocks its worker for as long as writing it takes. */
const SNAPSHOT_TIMEOUT_MS = 10 * 60_000;
/** At onRunComplete Jest has stopped the workers (a bailed run never got to its last result): a short look only. */
const LATE_TIMEOUT_MS = 2_000;

/** The parts of Jest's reporter arguments heaplens reads. */
interface JestTest {
  readonly path: string;
  readonly context: { readonly config: { readonly id?: string; readonly rootDir: string } };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a record needs no more waiting: final, or still `running` (the worker died before its file's teardown). */
function settled(record: EnvironmentRecord): boolean {
  return (FINAL_STATES.has(record.state) && record.snapshot?.status !== 'writing') || record.state === 'running';
}

/**
 * Prepares outDir when the run starts; after each test file, queues its
 * snapshots (and, once its worker has checked it, its environment's) for
 * analysis; at the end prints the report, writes report.json and, with
 * failOnLeak, fails the run through getLastError().
 *
 * Workers check environments in batches (environment-watch.ts), so a file's
 * check is often still to come when its result arrives. The reporter waits
 * for the outstanding checks at the run's last result: Jest does not stop a
 * worker while a reporter is still handling a result, so a check (or a
 * snapshot) is never cut short, and no earlier result waits.
 */
export default class HeaplensJestReporter {
  readonly options: ResolvedOptions;
  private readonly collector: RunCollector;
  private lastError: Error | undefined;
  private readonly rootDir: string;
  /** Test files in the run, and results seen so far. */
  private total = 0;
  private seen = 0;
  /** Environment records whose check was not final when their file's result came, by record name. */
  private readonly outstanding = new Set<string>();

  constructor(globalConfig: { readonly rootDir: string }, reporterOptions?: unknown) {
    this.rootDir = globalConfig.rootDir;
    this.options = optionsFrom(reporterOptions ?? {}, globalConfig.rootDir, 'the heaplens reporter options in your Jest config');
    this.collector = new RunCollector(this.options, ANALYSE_WORKER);
  }

  onRunStart(results?: { readonly numTotalTestSuites?: number }): void {
    this.lastError = undefined;
    this.total = results?.numTotalTestSuites ?? 0;
    this.seen = 0;
    this.outstanding.clear();
    this.collector.start();
  }

  async onTestFileResult(test: JestTest): Promise<void> {
    this.seen += 1;
    const file = toPosixRelative(this.options.root, test.path);
    const name = environmentRecordName(file, test.context.config.id ?? '');
    const record = await readEnvironmentRecord(this.options.outDir, name);
    if (record !== null && !('invalid' in record)) {
      if (settled(record)) this.collector.environmentDone(record);
      else this.outstanding.add(name);
    }
    await this.collector.fileDone(file);
    if (this.seen >= this.total) await this.waitForOutstanding(CHECK_TIMEOUT_MS);
  }

  /** Waits (up to `limit`, longer while a snapshot is being written) until the outstanding checks are final. */
  private async waitForOutstanding(limit: number): Promise<void> {
    const started = Date.now();
    while (this.outstanding.size > 0) {
      let writing = false;
      for (const name of [...this.outstanding]) {
        const record = await readEnvironmentRecord(this.options.outDir, name);
        if (record === null || 'invalid' in record || settled(record)) {
          this.outstanding.delete(name);
          if (record !== null && !('invalid' in record)) this.collector.environmentDone(record);
        } else if (record.snapshot?.status === 'writing') {
          writing = true;
        }
      }
      if (this.outstanding.size === 0) return;
      if (Date.now() - started > (writing ? SNAPSHOT_TIMEOUT_MS : limit)) return;
      await sleep(POLL_MS);
    }
  }

  async onRunComplete(): Promise<void> {
    await this.waitForOutstanding(LATE_TIMEOUT_MS);
    const { lines, failure } = await finishRun(this.collector, { name: 'jest', version: jestVersion(this.rootDir) }, process.env);
    if (failure) this.lastError = new Error(failure);
    if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
  }

  /** Jest fails the run (exit 1) when a reporter returns an error here. */
  getLastError(): Error | undefined {
    return this.lastError;
  }
}
