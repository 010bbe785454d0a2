/**
 * Worker-thread entry: analyses snapshots off the main thread, so analysis
 * overlaps the rest of the test run. Receives one AnalysisJob as workerData
 * and posts one result: a scope's diff, or why an environment is alive.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { diffSnapshots } from './diff.js';
import { explainProbe } from './object-path.js';
import type { AnalysisJob, EnvironmentAnalysis, ScopeAnalysis } from './scope-analysis.js';

const job = workerData as AnalysisJob;

async function run(): Promise<ScopeAnalysis | EnvironmentAnalysis> {
  if (job.kind === 'probe') return { ok: true, retention: await explainProbe(job.snapshot, job.probe) };
  const diff = await diffSnapshots(job.before, job.after, { top: job.top, context: job.context });
  return {
    ok: true,
    culprits: diff.culprits,
    newObjects: diff.newObjects,
    userRetained: diff.userRetained,
    internalRetained: diff.internalRetained,
  };
}

/**
 * This worker's memory at its largest: JS heap plus external memory (the
 * graph's typed arrays live outside the heap), read every few milliseconds
 * while the loader streams the snapshot in, and once at the end, when the
 * whole graph and its analyses are still there.
 */
let peakBytes = 0;
const sample = () => {
  const stats = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
  peakBytes = Math.max(peakBytes, stats.used_heap_size + (stats.external_memory ?? 0));
};
const sampler = setInterval(sample, 10);

run().then(
  (result) => {
    sample();
    clearInterval(sampler);
    parentPort!.postMessage({ ...result, peakBytes });
  },
  (error: unknown) => {
    clearInterval(sampler);
    parentPort!.postMessage({ ok: false, error: (error as Error).message ?? String(error), peakBytes });
  },
);
