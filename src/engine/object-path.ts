import { userRootDistances } from './distances.js';
import { essentialEdges } from './essential-edges.js';
import type { HeapGraph } from './graph.js';
import { parseGraphColumns, type ParseOptions, type SnapshotSource } from './parse.js';
import { retainerPath } from './paths.js';
import { toGraph } from './to-graph.js';

/** Why one object is alive in a snapshot. */
export type ObjectRetention =
  | { readonly status: 'retained'; readonly path: string[]; readonly className: string }
  /** The object is in the snapshot but nothing reaches it through edges that keep objects alive. */
  | { readonly status: 'unreachable'; readonly className: string }
  /** No object carries the probe property: it was collected, or the snapshot is not the one the probe was set for. */
  | { readonly status: 'absent' };

/** The ordinal of the object that has a property named `probe`, or -1. */
export function findProbed(graph: HeapGraph, probe: string): number {
  const { property } = graph.meta.edgeType;
  const { firstEdge, edgeFieldCount, edgeTypes, edgeNames, nodeCount } = graph;
  const wanted = new Set(graph.strings.indexesContaining(Buffer.from(probe)).filter((i) => graph.strings.get(i) === probe));
  if (wanted.size === 0) return -1;
  for (let o = 0; o < nodeCount; o += 1) {
    for (let k = firstEdge[o]! / edgeFieldCount, end = firstEdge[o + 1]! / edgeFieldCount; k < end; k += 1) {
      if (edgeTypes[k] === property && wanted.has(edgeNames[k]!)) return o;
    }
  }
  return -1;
}

/**
 * Why the object that carries the property `probe` (put there just before the
 * snapshot was written) is alive: the shortest retainer path from a GC root
 * through the edges that keep objects alive (not weak edges, not a WeakMap's
 * table, not a WeakMap value whose table is unreachable, not the WeakRef
 * keep-during-job list), shown like culprit paths.
 */
export async function explainProbe(source: SnapshotSource, probe: string, options: ParseOptions = {}): Promise<ObjectRetention> {
  const graph = toGraph(await parseGraphColumns(source, options), source, options);
  const ordinal = findProbed(graph, probe);
  if (ordinal < 0) return { status: 'absent' };
  const className = graph.className(ordinal);
  const path = retainerPath(graph, userRootDistances(graph, essentialEdges(graph)), ordinal);
  return path ? { status: 'retained', path, className } : { status: 'unreachable', className };
}
