import { formatBytes, formatDelta } from './bytes.js';
import { retainedTotal } from './measure.js';
import type { ScopeRecord } from './record.js';

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

/** The judgement on one scope. A tagged union: figures exist only when the scope was measured. */
export type Judgement =
  | { readonly verdict: 'leak'; readonly reason: string; readonly heap: HeapFigures; readonly retained: Retained }
  | { readonly verdict: 'ok'; readonly reason: string; readonly heap: HeapFigures; readonly retained: Retained }
  | { readonly verdict: 'inconclusive'; readonly reason: string; readonly heap: HeapFigures | null; readonly retained: null };

/** Growth in bytes of JS heap plus external memory, when both ends were measured. */
export function heapFigures(record: ScopeRecord): HeapFigures | null {
  if (!record.before || !record.after) return null;
  const before = retainedTotal(record.before);
  const after = retainedTotal(record.after);
  return { before, after, growth: after - before };
}

/**
 * What the scope kept alive. With allocation sampling: the live objects it
 * allocated, plus the growth of external (ArrayBuffer) memory, which the
 * sampler cannot see; a drop in external memory (another file's buffers
 * freed meanwhile) counts as zero. Without it: the plain heap growth.
 */
export function retainedBytes(record: ScopeRecord, heap: HeapFigures): Retained {
  if (record.sampled && record.before && record.after) {
    const external = Math.max(0, record.after.external - record.before.external);
    return { bytes: record.sampled.bytes + external, method: 'allocation-sampling' };
  }
  return { bytes: heap.growth, method: 'heap-delta' };
}

/** Judges a scope: leak above the threshold, ok at or below it, inconclusive when unmeasured. */
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
  if (record.error !== null || heap === null) {
    return { verdict: 'inconclusive', reason: record.error ?? 'the scope was not measured at both ends', heap, retained: null };
  }
  const retained = retainedBytes(record, heap);
  const kept =
    retained.method === 'allocation-sampling'
      ? `kept ${formatDelta(retained.bytes)} alive`
      : `heap grew ${formatDelta(retained.bytes)} (allocation sampling unavailable)`;
  if (retained.bytes > threshold) {
    return { verdict: 'leak', reason: `${kept} after it ended (threshold ${formatBytes(threshold)})`, heap, retained };
  }
  return { verdict: 'ok', reason: `${kept}, within the threshold (${formatBytes(threshold)})`, heap, retained };
}
