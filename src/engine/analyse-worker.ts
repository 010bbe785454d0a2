/**
 * Worker-thread entry: diffs one scope's snapshot pair off the main thread,
 * so analysis overlaps the rest of the test run. Receives
 * `{ before, after, top }` as workerData and posts one ScopeAnalysis.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { diffSnapshots } from './diff.js';
import type { ScopeAnalysis } from './scope-analysis.js';

const { before, after, top } = workerData as { before: string; after: string; top: number };

diffSnapshots(before, after, { top }).then(
  (diff) => {
    const result: ScopeAnalysis = {
      ok: true,
      culprits: diff.culprits,
      newObjects: diff.newObjects,
      userRetained: diff.userRetained,
      internalRetained: diff.internalRetained,
    };
    parentPort!.postMessage(result);
  },
  (error: unknown) => {
    const result: ScopeAnalysis = { ok: false, error: (error as Error).message ?? String(error) };
    parentPort!.postMessage(result);
  },
);
