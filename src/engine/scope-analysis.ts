import { Worker } from 'node:worker_threads';
import type { Culprit } from './culprits.js';

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

/**
 * Diffs a snapshot pair in a worker thread. `workerFile` is the built
 * analyse-worker.js (its place depends on the bundle calling this).
 * Resolves with an error result instead of rejecting: a snapshot that cannot
 * be analysed must not fail the test run.
 */
export function analyseInWorker(workerFile: URL, before: string, after: string, top: number): Promise<ScopeAnalysis> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: ScopeAnalysis) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    let worker: Worker;
    try {
      worker = new Worker(workerFile, { workerData: { before, after, top } });
    } catch (error) {
      done({ ok: false, error: `cannot start the analysis worker: ${(error as Error).message}` });
      return;
    }
    worker.once('message', (result: ScopeAnalysis) => {
      done(result);
      void worker.terminate();
    });
    worker.once('error', (error) => done({ ok: false, error: error.message }));
    worker.once('exit', (code) => done({ ok: false, error: `the analysis worker exited with code ${code}` }));
  });
}

/** Runs analyses one at a time: each can need several times a snapshot's size in memory. */
export class AnalysisQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly results = new Map<string, Promise<ScopeAnalysis>>();

  constructor(
    private readonly workerFile: URL,
    private readonly top: number,
  ) {}

  /** Queues a pair once (keyed by its before file); returns its pending result. */
  add(before: string, after: string): Promise<ScopeAnalysis> {
    const existing = this.results.get(before);
    if (existing) return existing;
    const result = this.tail.then(() => analyseInWorker(this.workerFile, before, after, this.top));
    this.tail = result;
    this.results.set(before, result);
    return result;
  }

  get(before: string): Promise<ScopeAnalysis> | undefined {
    return this.results.get(before);
  }
}
