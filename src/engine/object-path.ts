import { userRootDistances } from './distances.js';
import { essentialEdges, type EssentialEdges } from './essential-edges.js';
import { contextObjects, exclusiveSize } from './exclusive-size.js';
import type { HeapGraph } from './graph.js';
import { parseGraphColumns, type ParseOptions, type SnapshotSource } from './parse.js';
import { retainerPath } from './paths.js';
import { toGraph } from './to-graph.js';

/** Why one object is alive in a snapshot. */
export type ObjectRetention =
  | {
      readonly status: 'retained';
      readonly path: string[];
      readonly className: string;
      /** What only the object (with its vm context, for a global) keeps alive: the bytes its release would free. */
      readonly bytes: number;
    }
  /** The object is in the snapshot but nothing reaches it through edges that keep objects alive. */
  | { readonly status: 'unreachable'; readonly className: string }
  /** No object carries the probe property: it was collected, or the snapshot is not the one the probe was set for. */
  | { readonly status: 'absent' };

/**
 * V8's compiled-code metadata: feedback vectors and allocation sites keep the
 * last object a piece of code saw (a getter of the latest test file's module,
 * say) until that code runs again. Such a hold is a single overwritten slot,
 * not a leak that grows, so it does not count as keeping an environment alive.
 */
const JIT_METADATA = new Set(['feedback_cell', 'raw_feedback_cell', 'feedback_vector', 'feedback', 'transition_info', 'optimized_code_map', 'deoptimization_data']);

/**
 * V8's "(Handle scope)" root: handles that native code (a compile job, the
 * snapshot writer itself) holds for the moment. What only it holds is on its
 * way out, not retained.
 */
const TRANSIENT_ROOTS = new Set(['(Handle scope)']);

/**
 * Node's embedder graph reports a vm context's native ContextifyContext as
 * held by the realm's cleanup queue, and the context's global as held by it;
 * both references are weak in Node (released by the context's weak callback),
 * so they do not keep an environment alive.
 */
const WEAK_EMBEDDER_HOLDERS = new Set(['Node / CleanupQueue']);

/** Essential edges, minus the edges into compiled-code metadata and out of transient roots and weak embedder holders. */
function retainingEdges(graph: HeapGraph): EssentialEdges {
  const essential = essentialEdges(graph);
  const { flags } = essential;
  const { firstEdge, edgeFieldCount, edgeTypes, edgeNames, nodeCount } = graph;
  const { synthetic, native } = graph.meta.nodeType;
  const dropOutEdges = (o: number) => {
    for (let k = firstEdge[o]! / edgeFieldCount, end = firstEdge[o + 1]! / edgeFieldCount; k < end; k += 1) flags[k] = 0;
  };
  for (let o = 0; o < nodeCount; o += 1) {
    const type = graph.type(o);
    if (type === synthetic ? TRANSIENT_ROOTS.has(graph.name(o)) : type === native && WEAK_EMBEDDER_HOLDERS.has(graph.name(o))) dropOutEdges(o);
  }
  const jitNames = new Set([...JIT_METADATA].flatMap((name) => graph.strings.indexesOf(name)));
  if (jitNames.size === 0) return essential;
  const { internal } = graph.meta.edgeType;
  for (let k = 0; k < edgeTypes.length; k += 1) {
    if (edgeTypes[k] === internal && jitNames.has(edgeNames[k]!)) flags[k] = 0;
  }
  return essential;
}

/** The ordinal of the object that has a property named `probe`, or -1. */
export function findProbed(graph: HeapGraph, probe: string): number {
  const { property } = graph.meta.edgeType;
  const { firstEdge, edgeFieldCount, edgeTypes, edgeNames, nodeCount } = graph;
  const wanted = new Set(graph.strings.indexesOf(probe));
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
 * keep-during-job list, not compiled-code metadata), shown like culprit paths.
 */
export async function explainProbe(source: SnapshotSource, probe: string, options: ParseOptions = {}): Promise<ObjectRetention> {
  const graph = toGraph(await parseGraphColumns(source, options), source, options);
  const ordinal = findProbed(graph, probe);
  if (ordinal < 0) return { status: 'absent' };
  const className = graph.className(ordinal);
  const edges = retainingEdges(graph);
  const path = retainerPath(graph, userRootDistances(graph, edges), ordinal);
  if (!path) return { status: 'unreachable', className };
  return { status: 'retained', path, className, bytes: exclusiveSize(graph, edges, contextObjects(graph, ordinal)) };
}
