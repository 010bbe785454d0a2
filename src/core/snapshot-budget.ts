import { formatBytes } from './bytes.js';

/**
 * V8 builds the whole snapshot graph in native memory before streaming it out,
 * and that graph (nodes, edges, strings, id map) takes several times the live
 * heap; Node's docs say "about twice", and we have seen more on heaps full of
 * small objects. We ask for three times the used heap plus a 64 MiB margin.
 */
export const SNAPSHOT_MEMORY_FACTOR = 3;
export const SNAPSHOT_MEMORY_MARGIN = 64 * 1024 * 1024;
/** Above this share of the heap limit the worker is already close to an OOM abort. */
export const HEAP_LIMIT_SHARE = 0.85;

export interface BudgetInput {
  readonly usedHeap: number;
  readonly heapLimit: number;
  /** Memory the process may still use: cgroup-aware where Node can tell. */
  readonly availableMemory: number;
  /** User's `snapshotMaxHeap`, or null. */
  readonly maxHeap: number | null;
}

export type BudgetDecision = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Decides whether writing a snapshot now is safe; the reason says why not. */
export function snapshotBudget(input: BudgetInput): BudgetDecision {
  const { usedHeap, heapLimit, availableMemory, maxHeap } = input;
  if (maxHeap !== null && usedHeap > maxHeap) {
    return {
      ok: false,
      reason: `snapshot skipped: heap ${formatBytes(usedHeap)} is above snapshotMaxHeap ${formatBytes(maxHeap)}`,
    };
  }
  if (usedHeap > heapLimit * HEAP_LIMIT_SHARE) {
    return {
      ok: false,
      reason: `snapshot skipped: heap ${formatBytes(usedHeap)} is within ${Math.round((1 - HEAP_LIMIT_SHARE) * 100)}% of the heap limit ${formatBytes(heapLimit)}`,
    };
  }
  const needed = usedHeap * SNAPSHOT_MEMORY_FACTOR + SNAPSHOT_MEMORY_MARGIN;
  if (availableMemory < needed) {
    return {
      ok: false,
      reason: `snapshot skipped: writing it needs about ${formatBytes(needed)} but only ${formatBytes(availableMemory)} is available`,
    };
  }
  return { ok: true };
}

/** Memory this process may still allocate (cgroup-aware on Node >= 20.13). */
export function availableMemory(freemem: () => number): number {
  const fn = (process as { availableMemory?: () => number }).availableMemory;
  return typeof fn === 'function' ? fn.call(process) : freemem();
}

/**
 * How fast a first snapshot is assumed to be written, in bytes of used heap per
 * second, before the worker has timed one of its own: about half what this
 * project's CI machine measured (26 MB heaps in 0.4 s, a 150 MB heap with
 * TypeScript loaded in 1.3 s, line ends cached), so that the estimate errs long.
 */
export const ASSUMED_SNAPSHOT_RATE = 50 * 1024 * 1024;

export interface TimeBudgetInput {
  readonly usedHeap: number;
  /** Bytes of heap per second the worker's snapshots took so far (or ASSUMED_SNAPSHOT_RATE). */
  readonly bytesPerSecond: number;
  /** The user's `snapshotTimeBudget`, in seconds. */
  readonly budgetSeconds: number;
}

/**
 * Decides whether a snapshot can be written within the time budget. Writing
 * one blocks the worker (V8 serialises the whole heap in one go; nothing can
 * interrupt it), so the decision is made before, from the heap's size and the
 * rate this worker's snapshots were written at so far.
 */
export function snapshotTimeBudget(input: TimeBudgetInput): { readonly ok: true; readonly estimate: number } | { readonly ok: false; readonly reason: string } {
  const { usedHeap, bytesPerSecond, budgetSeconds } = input;
  const estimate = usedHeap / bytesPerSecond;
  if (estimate <= budgetSeconds) return { ok: true, estimate };
  return {
    ok: false,
    reason:
      `snapshot skipped: a ${formatBytes(usedHeap)} heap would take about ${Math.round(estimate)} s to write ` +
      `(at ${formatBytes(bytesPerSecond)}/s), over snapshotTimeBudget ${budgetSeconds} s; raise the budget or lower snapshotMaxHeap`,
  };
}
