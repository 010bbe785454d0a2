import { GCProfiler, getHeapStatistics } from 'node:v8';

/** What one settled look at an isolate's memory records. */
export interface Measurement {
  /** V8 heap in use by JS objects (`used_heap_size`). */
  readonly usedHeap: number;
  /**
   * Memory owned by JS objects but held outside the V8 heap: ArrayBuffer
   * backing stores (typed arrays, Buffers) and other external allocations
   * (`external_memory`, per isolate).
   */
  readonly external: number;
  /** Native contexts V8 considers detached but has not freed yet (leaked vm contexts, iframes). */
  readonly detachedContexts: number;
  /** The isolate's heap limit, for the snapshot budget. */
  readonly heapLimit: number;
  /**
   * `false`: read without a GC (a scope's start whose verdict rests on allocation sampling, see
   * ScopeTracker.begin), so the figures include garbage and a delta against them means nothing.
   * Absent: read after a settled GC.
   */
  readonly settled?: false;
}

type HeapStatistics = ReturnType<typeof getHeapStatistics> & { external_memory?: number };

/** This isolate's external memory (per isolate where V8 says; else the process's). */
function externalOf(stats: HeapStatistics): number {
  return stats.external_memory ?? process.memoryUsage().external;
}

/** External memory now, without a GC (cheap: read at every test boundary). */
export function readExternal(): number {
  return externalOf(getHeapStatistics());
}

/** Reads the current isolate's memory. Call after a settled GC. */
export function readMeasurement(): Measurement {
  const stats = getHeapStatistics() as HeapStatistics;
  return {
    usedHeap: stats.used_heap_size,
    external: externalOf(stats),
    detachedContexts: stats.number_of_detached_contexts,
    heapLimit: stats.heap_size_limit,
  };
}

/** The total a scope is judged on: JS heap plus external (ArrayBuffer) memory. */
export function retainedTotal(m: Measurement): number {
  return m.usedHeap + m.external;
}

/**
 * Runs `task` and returns its result with the JS heap in use right after the
 * first full GC that ran during it (null when none did), as V8's GC profiler
 * read it in that GC's epilogue.
 *
 * Why: reading the allocation sampler's profile forces a full GC
 * (allocation-sampler.ts), and the profile then arrives as a large parsed
 * object. Read afterwards, `used_heap_size` would count that object; read in
 * the GC's epilogue, it is what survived the GC. So one GC gives both the
 * sampled live bytes and a heap reading (a second GC just to read the heap
 * costs as much as the first: tens of milliseconds on a Jest worker's heap).
 */
export async function usedHeapAfterGcDuring<T>(task: () => Promise<T>): Promise<{ value: T; usedHeap: number | null }> {
  const profiler = new GCProfiler();
  profiler.start();
  let value: T;
  try {
    value = await task();
  } catch (error) {
    profiler.stop();
    throw error;
  }
  const major = profiler.stop()?.statistics.find((gc) => gc.gcType === 'MarkSweepCompact');
  return { value, usedHeap: major ? major.afterGC.heapStatistics.usedHeapSize : null };
}
