import { formatBytes, formatDelta } from './bytes.js';
import { retainedTotal } from './measure.js';
import type { ScopeRecord } from './record.js';

export interface HeapFigures {
  readonly before: number;
  readonly after: number;
  readonly growth: number;
}

/** The judgement on one scope. A tagged union: `heap` exists only when it was measured. */
export type Judgement =
  | { readonly verdict: 'leak'; readonly reason: string; readonly heap: HeapFigures }
  | { readonly verdict: 'ok'; readonly reason: string; readonly heap: HeapFigures }
  | { readonly verdict: 'inconclusive'; readonly reason: string; readonly heap: HeapFigures | null };

/** Growth in bytes of JS heap plus external memory, when both ends were measured. */
export function heapFigures(record: ScopeRecord): HeapFigures | null {
  if (!record.before || !record.after) return null;
  const before = retainedTotal(record.before);
  const after = retainedTotal(record.after);
  return { before, after, growth: after - before };
}

/** Judges a scope: leak above the threshold, ok at or below it, inconclusive when unmeasured. */
export function judge(record: ScopeRecord, threshold: number): Judgement {
  const heap = heapFigures(record);
  if (record.state === 'running') {
    return {
      verdict: 'inconclusive',
      reason: 'the worker stopped before the scope finished (crash, out of memory, timeout or process.exit)',
      heap,
    };
  }
  if (record.error !== null || heap === null) {
    return { verdict: 'inconclusive', reason: record.error ?? 'the scope was not measured at both ends', heap };
  }
  if (heap.growth > threshold) {
    return {
      verdict: 'leak',
      reason: `retained ${formatDelta(heap.growth)} after the scope ended (threshold ${formatBytes(threshold)})`,
      heap,
    };
  }
  return { verdict: 'ok', reason: `growth ${formatDelta(heap.growth)} is within the threshold (${formatBytes(threshold)})`, heap };
}
