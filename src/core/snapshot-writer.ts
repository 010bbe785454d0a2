import { freemem } from 'node:os';
import { rmSync, writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { createLineEndsCache } from './line-ends.js';
import type { Measurement } from './measure.js';
import type { WorkerIdentity } from './naming.js';
import type { ResolvedOptions } from './options.js';
import { joinInside, SNAPSHOTS_DIR } from './paths.js';
import { ASSUMED_SNAPSHOT_RATE, availableMemory, snapshotBudget, snapshotTimeBudget } from './snapshot-budget.js';

/** Beside a snapshot being written: what it is, for the reporter's progress lines. Removed once the file is complete. */
export const WRITING_SUFFIX = '.writing';

export interface WritingMarker {
  /** The snapshot's path relative to outDir. */
  readonly file: string;
  /** What it is a snapshot of: `test/a.test.ts › suite (after)`, `test/a.test.ts (environment)`. */
  readonly what: string;
  readonly worker: WorkerIdentity;
  readonly usedHeap: number;
  readonly startedAt: number;
  readonly estimatedSeconds: number;
}

export type SnapshotWrite = { readonly file: string } | { readonly skipped: string };

export interface SnapshotWriter {
  /** Writes `snapshots/<name>` if the memory and time budgets allow (heap as measured in `m`); the file relative to outDir, or why not. */
  write(name: string, what: string, m: Measurement): SnapshotWrite;
  /** Caches V8's line ends now (see line-ends.ts): done before each snapshot, and by callers whose measurement must not count them. */
  cacheLineEnds(): void;
  /** Heap bytes per second the time budget is estimated with: ASSUMED_SNAPSHOT_RATE until this worker has written one. */
  readonly bytesPerSecond: number;
}

/**
 * Writes this worker's heap snapshots: checks the memory budget (snapshots
 * need several times the heap) and the time budget (estimated from the rate
 * of this worker's earlier snapshots), caches V8's line ends first (see
 * line-ends.ts), and leaves a `.writing` marker beside the file while V8
 * writes it, so that the reporter can say what is taking long.
 */
export function createSnapshotWriter(options: ResolvedOptions, worker: WorkerIdentity): SnapshotWriter {
  const snapshotsDir = joinInside(options.outDir, SNAPSHOTS_DIR);
  const cacheLineEnds = createLineEndsCache();
  let bytesPerSecond = ASSUMED_SNAPSHOT_RATE;
  return {
    cacheLineEnds,
    get bytesPerSecond() {
      return bytesPerSecond;
    },
    write(name, what, m) {
      const memory = snapshotBudget({
        usedHeap: m.usedHeap,
        heapLimit: m.heapLimit,
        availableMemory: availableMemory(freemem),
        maxHeap: options.snapshotMaxHeap,
      });
      if (!memory.ok) return { skipped: memory.reason };
      const time = snapshotTimeBudget({ usedHeap: m.usedHeap, bytesPerSecond, budgetSeconds: options.snapshotTimeBudget });
      if (!time.ok) return { skipped: time.reason };
      const path = joinInside(snapshotsDir, name);
      const file = `${SNAPSHOTS_DIR}/${name}`;
      const marker: WritingMarker = { file, what, worker, usedHeap: m.usedHeap, startedAt: Date.now(), estimatedSeconds: time.estimate };
      try {
        writeFileSync(`${path}${WRITING_SUFFIX}`, JSON.stringify(marker));
        cacheLineEnds();
        const started = performance.now();
        writeHeapSnapshot(path);
        const seconds = (performance.now() - started) / 1000;
        // The rate of the latest snapshot: heaps of one worker are alike, and a slower one (a large script loaded since) should count at once.
        if (seconds > 0.05) bytesPerSecond = m.usedHeap / seconds;
      } catch (error) {
        return { skipped: `snapshot skipped: writing ${name} failed: ${(error as Error).message}` };
      } finally {
        rmSync(`${path}${WRITING_SUFFIX}`, { force: true });
      }
      return { file };
    },
  };
}
