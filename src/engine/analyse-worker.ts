/**
 * Worker-thread entry: analyses snapshots off the main thread, so analysis
 * overlaps the rest of the test run. Receives one AnalysisJob as workerData
 * and posts one result: a scope's diff, or why an environment is alive.
 */
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

run().then(
  (result) => parentPort!.postMessage(result),
  (error: unknown) => parentPort!.postMessage({ ok: false, error: (error as Error).message ?? String(error) }),
);
