import { formatBytes, formatDelta } from './bytes.js';
import { retainedTotal } from './measure.js';
import type { ScopeRecord } from './record.js';
import { judgeRepetition, MIN_TESTS, type SiteTrend } from './repetition.js';
import type { FrameSeries } from './attribution.js';

export interface HeapFigures {
  readonly before: number;
  readonly after: number;
  readonly growth: number;
}

/** How `retained` was measured. */
export type RetainedMethod = 'allocation-sampling' | 'heap-delta';

export interface Retained {
  /** Bytes the scope kept alive: what the verdict compares with the threshold. */
  readonly bytes: number;
  readonly method: RetainedMethod;
}

/** What a measured scope is: a leak, warm-up, a bounded cache, or nothing to speak of. */
export type MeasuredVerdict = 'leak' | 'one-time' | 'bounded' | 'ok';

/** The judgement on one scope. A tagged union: figures exist only when the scope was measured. */
export type Judgement =
  | {
      readonly verdict: MeasuredVerdict;
      readonly reason: string;
      /** Null when the scope's start was read without a GC (the verdict rests on allocation sampling). */
      readonly heap: HeapFigures | null;
      readonly retained: Retained;
      /** The sites that kept memory from test after test (leaks only). */
      readonly growing: readonly SiteTrend<FrameSeries>[];
      readonly rate: number | null;
      readonly runnerNote: string | null;
    }
  | { readonly verdict: 'inconclusive'; readonly reason: string; readonly heap: HeapFigures | null; readonly retained: null };

/**
 * Growth in bytes of JS heap plus external memory, when both ends were measured
 * after a GC (null for a start read without one: its delta would count garbage).
 */
export function heapFigures(record: ScopeRecord): HeapFigures | null {
  if (!record.before || !record.after || record.before.settled === false) return null;
  const before = retainedTotal(record.before);
  const after = retainedTotal(record.after) - record.markerBytes;
  return { before, after, growth: after - before };
}

/**
 * How far V8's allocation sampling can overstate what is alive: a sample
 * survives an in-place elements-kind transition (e.g. `Array.from` filling an
 * array with doubles) while the new backing store is sampled again, so some
 * allocation patterns count up to ~2.6x (measured). Dividing by 3 makes the
 * sampled figure a lower bound.
 */
export const SAMPLING_OVERSTATEMENT = 3;
/** Sampling must exceed the heap delta by this much (or 5%) before it is preferred. */
export const SAMPLING_MARGIN = 256 * 1024;

/**
 * What the scope kept alive, as a lower bound, so that a verdict of `leak`
 * never rests on an overestimate:
 * - the heap delta (after − before, JS heap + external) is exact when nothing
 *   outside the scope frees memory meanwhile, and too low when something does
 *   (in vm pools and with `isolate: false` a previous file's memory is
 *   sometimes released while the next file's suite runs);
 * - the sampled live bytes the scope allocated cannot be lowered by such
 *   frees, but can be overstated (see SAMPLING_OVERSTATEMENT).
 * The heap delta is kept unless (sampled / 3 + external growth) is clearly
 * larger (by SAMPLING_MARGIN or 5%), which only happens when memory outside
 * the scope was freed meanwhile.
 *
 * `trend`: the scope has enough tests for a trend. Then a leak rests on its
 * growing sites, not on this figure, which only tells one-time and bounded
 * memory (neither a failure) from ok; so where the heap delta is too low, the
 * sampled bytes themselves are the better estimate. (Vitest 5's vmThreads: a
 * cache holding 2.0 MB, sampled at 2.3 MB, was 0.77 MB as a lower bound, and
 * `ok` or `bounded` depending on whether the previous file's context was freed
 * during the scope.)
 *
 * `heap` null (the start was read without a GC): the sampled bytes alone, as
 * above (with a trend, as they are; without, as a lower bound).
 */
export function retainedBytes(record: ScopeRecord, heap: HeapFigures | null, trend = false): Retained | null {
  if (record.sampled && record.before && record.after) {
    const external = Math.max(0, record.after.external - record.before.external);
    const lowerBound = Math.round(record.sampled.bytes / SAMPLING_OVERSTATEMENT) + external;
    if (heap === null) return { bytes: trend ? record.sampled.bytes + external : lowerBound, method: 'allocation-sampling' };
    // Only when sampling shows clearly more: small differences are noise, not frees elsewhere.
    if (lowerBound > heap.growth + Math.max(SAMPLING_MARGIN, Math.abs(heap.growth) * 0.05)) {
      return { bytes: trend ? record.sampled.bytes + external : lowerBound, method: 'allocation-sampling' };
    }
  }
  return heap === null ? null : { bytes: heap.growth, method: 'heap-delta' };
}

/**
 * Judges a scope. With the allocation sampler's attribution, by repetition
 * (repetition.ts): the same verdict with or without snapshots. Without it
 * (no inspector), by the threshold alone.
 */
export function judge(record: ScopeRecord, threshold: number): Judgement {
  const heap = heapFigures(record);
  if (record.state === 'running') {
    return {
      verdict: 'inconclusive',
      reason: 'the worker stopped before the scope finished (crash, out of memory, timeout or process.exit)',
      heap,
      retained: null,
    };
  }
  const retained = record.error === null ? retainedBytes(record, heap, (record.attribution?.observed.length ?? 0) >= MIN_TESTS) : null;
  if (record.error !== null || retained === null) {
    return { verdict: 'inconclusive', reason: record.error ?? 'the scope was not measured at both ends', heap, retained: null };
  }
  if (record.attribution) {
    const judged = judgeRepetition(record.attribution, retained.bytes, threshold);
    const runs = record.runsPerTest ?? 1;
    const distinct = Math.round(record.attribution.tests / runs);
    const repeated = runs > 1 ? ` (repeat pass: ${distinct === 1 ? 'its test' : `each of its ${distinct} tests`} ran ${runs} times)` : '';
    return { ...judged, reason: `${judged.reason}${repeated}`, heap, retained };
  }
  const none = { growing: [], rate: null, runnerNote: null } as const;
  const kept =
    retained.method === 'allocation-sampling'
      ? `kept at least ${formatDelta(retained.bytes)} alive (allocation sampling; other memory was freed meanwhile)`
      : `kept ${formatDelta(retained.bytes)} alive`;
  if (retained.bytes > threshold) {
    return { verdict: 'leak', reason: `${kept} after it ended (threshold ${formatBytes(threshold)}; no allocation sampling)`, heap, retained, ...none };
  }
  return { verdict: 'ok', reason: `${kept}, within the threshold (${formatBytes(threshold)}; no allocation sampling)`, heap, retained, ...none };
}
