import { Worker } from 'node:worker_threads';
import type { FrameContext } from '../core/frames.js';
import type { Culprit } from './culprits.js';
import type { ObjectRetention } from './object-path.js';

/** What the engine found in one scope's snapshot pair. */
export type ScopeAnalysis =
  | {
      readonly ok: true;
      readonly culprits: readonly Culprit[];
      readonly newObjects: number;
      /** Bytes kept alive by new objects of user classes. */
      readonly userRetained: number;
      /** Bytes kept alive by new objects left out as engine or runner internals. */
      readonly internalRetained: number;
    }
  | { readonly ok: false; readonly error: string };

/** Why a retained test environment's global object is alive, from its snapshot. */
export type EnvironmentAnalysis =
  | { readonly ok: true; readonly retention: ObjectRetention }
  | { readonly ok: false; readonly error: string };

/** One job for the analysis worker. */
export type AnalysisJob =
  | { readonly kind: 'diff'; readonly before: string; readonly after: string; readonly top: number; readonly context: FrameContext }
  | { readonly kind: 'probe'; readonly snapshot: string; readonly probe: string };

type ResultOf<J extends AnalysisJob> = J extends { kind: 'diff' } ? ScopeAnalysis : EnvironmentAnalysis;

/**
 * Runs one job in a worker thread. `workerFile` is the built
 * analyse-worker.js (its place depends on the bundle calling this).
 * Resolves with an error result instead of rejecting: a snapshot that cannot
 * be analysed must not fail the test run.
 */
export function analyseInWorker<J extends AnalysisJob>(workerFile: URL, job: J): Promise<ResultOf<J>> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: ScopeAnalysis | EnvironmentAnalysis) => {
      if (!settled) {
        settled = true;
        resolve(result as ResultOf<J>);
      }
    };
    let worker: Worker;
    try {
      worker = new Worker(workerFile, { workerData: job });
    } catch (error) {
      done({ ok: false, error: `cannot start the analysis worker: ${(error as Error).message}` });
      return;
    }
    worker.once('message', (result: ScopeAnalysis | EnvironmentAnalysis) => {
      done(result);
      void worker.terminate();
    });
    worker.once('error', (error) => done({ ok: false, error: error.message }));
    worker.once('exit', (code) => done({ ok: false, error: `the analysis worker exited with code ${code}` }));
  });
}

/** How much the analyses cost: jobs run and the largest memory one worker reached. */
export interface AnalysisStats {
  readonly jobs: number;
  /** JS heap plus external memory of the largest analysis worker, bytes. */
  readonly peakBytes: number;
}

/** Runs analyses one at a time: each can need several times a snapshot's size in memory. */
export class AnalysisQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private jobs = 0;
  private peakBytes = 0;
  private readonly results = new Map<string, Promise<ScopeAnalysis | EnvironmentAnalysis>>();

  constructor(
    private readonly workerFile: URL,
    private readonly top: number,
    /** The project root and heaplens' folder, to tell whose code holds an object. */
    private readonly context: FrameContext,
  ) {}

  private enqueue<J extends AnalysisJob>(key: string, job: J): Promise<ResultOf<J>> {
    const existing = this.results.get(key);
    if (existing) return existing as Promise<ResultOf<J>>;
    const result = this.tail.then(async () => {
      const done = await analyseInWorker(this.workerFile, job);
      this.jobs += 1;
      const { peakBytes } = done as { peakBytes?: unknown };
      if (typeof peakBytes === 'number') this.peakBytes = Math.max(this.peakBytes, peakBytes);
      return done;
    });
    this.tail = result;
    this.results.set(key, result);
    return result;
  }

  stats(): AnalysisStats {
    return { jobs: this.jobs, peakBytes: this.peakBytes };
  }

  /** Queues a scope's pair once (keyed by its before file); returns its pending result. */
  add(before: string, after: string): Promise<ScopeAnalysis> {
    return this.enqueue(before, { kind: 'diff', before, after, top: this.top, context: this.context });
  }

  /** Queues the explanation of a retained environment's snapshot once. */
  explain(snapshot: string, probe: string): Promise<EnvironmentAnalysis> {
    return this.enqueue(snapshot, { kind: 'probe', snapshot, probe });
  }
}
