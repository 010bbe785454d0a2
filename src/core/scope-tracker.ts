import { mkdir } from 'node:fs/promises';
import { freemem } from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import { createAllocationSampler, type SampledBytes } from './allocation-sampler.js';
import { writeFileAtomic } from './atomic-write.js';
import { getGc, settleGc } from './gc.js';
import { readMeasurement, type Measurement } from './measure.js';
import { scopeBaseName, snapshotFileName, type Phase, type ScopeKey, type WorkerIdentity } from './naming.js';
import type { ResolvedOptions } from './options.js';
import { joinInside, RECORDS_DIR, SNAPSHOTS_DIR } from './paths.js';
import type { ScopeRecord, SnapshotOutcome } from './record.js';
import { availableMemory, snapshotBudget } from './snapshot-budget.js';

export interface TrackerConfig {
  readonly options: ResolvedOptions;
  readonly runner: ScopeRecord['runner'];
  readonly worker: WorkerIdentity;
}

/** A scope that has been measured at its start; `end()` measures it again and records it. */
export interface OpenScope {
  end(): Promise<void>;
}

export interface ScopeTracker {
  begin(key: ScopeKey): Promise<OpenScope>;
}

/**
 * Measures tracked scopes in the isolate it runs in (a snapshot covers one
 * isolate only, so this must run inside the worker that runs the tests).
 * Records go to `<outDir>/records/`, snapshots to `<outDir>/snapshots/`.
 */
export function createScopeTracker(config: TrackerConfig): ScopeTracker {
  const { options, runner, worker } = config;
  const gc = getGc();
  const sampler = createAllocationSampler();
  const recordsDir = joinInside(options.outDir, RECORDS_DIR);
  const snapshotsDir = joinInside(options.outDir, SNAPSHOTS_DIR);

  async function measure(): Promise<Measurement> {
    await settleGc(gc, { probe: () => readMeasurement().usedHeap });
    return readMeasurement();
  }

  /** Writes one snapshot if the memory budget allows; returns its name or why not. */
  function snapshot(base: string, phase: Phase, m: Measurement): { file: string } | { skipped: string } {
    const budget = snapshotBudget({
      usedHeap: m.usedHeap,
      heapLimit: m.heapLimit,
      availableMemory: availableMemory(freemem),
      maxHeap: options.snapshotMaxHeap,
    });
    if (!budget.ok) return { skipped: budget.reason };
    const name = snapshotFileName(base, phase);
    try {
      writeHeapSnapshot(joinInside(snapshotsDir, name));
    } catch (error) {
      return { skipped: `snapshot skipped: writing ${name} failed: ${(error as Error).message}` };
    }
    return { file: `${SNAPSHOTS_DIR}/${name}` };
  }

  return {
    async begin(key) {
      await mkdir(recordsDir, { recursive: true });
      if (options.snapshots) await mkdir(snapshotsDir, { recursive: true });
      const base = scopeBaseName(key, worker);
      const recordPath = joinInside(recordsDir, `${base}.json`);
      const write = (record: ScopeRecord) => writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);

      const before = await measure();
      const mark = await sampler.mark();
      const startedAt = Date.now();
      const common = {
        kind: 'heaplens-scope',
        version: 1,
        runner,
        file: key.file,
        suite: key.suite,
        ordinal: key.ordinal,
        worker,
      } as const;
      let snapshots: SnapshotOutcome = { status: 'off' };
      const running = (): ScopeRecord => ({
        ...common,
        state: 'running',
        before,
        after: null,
        sampled: null,
        snapshots,
        error: null,
        startedAt,
        endedAt: null,
      });
      // Written before the snapshot: if the worker dies from here on, the
      // reporter still learns that this scope started and never finished.
      await write(running());
      if (options.snapshots) {
        const taken = snapshot(base, 'before', before);
        snapshots = 'file' in taken
          ? { status: 'written', before: taken.file, after: null }
          : { status: 'skipped', reason: taken.skipped, before: null };
        await write(running());
      }

      return {
        async end() {
          const after = await measure();
          let sampled: SampledBytes | null = null;
          try {
            if (mark !== null) sampled = await sampler.liveSince(mark);
            // The after snapshot must be written while the inspector session is
            // still open: closing it disables the HeapProfiler agent, which
            // clears V8's object ids, and ids are how a diff tells new objects
            // from old ones.
            if (snapshots.status === 'written') {
              const taken = snapshot(base, 'after', after);
              snapshots = 'file' in taken
                ? { ...snapshots, after: taken.file }
                : { status: 'skipped', reason: taken.skipped, before: snapshots.before };
            }
          } finally {
            if (mark !== null) await sampler.release();
          }
          await write({ ...running(), state: 'done', after, sampled, endedAt: Date.now() });
        },
      };
    },
  };
}
