import type { EssentialEdges } from './essential-edges.js';
import type { HeapGraph } from './graph.js';

/**
 * The bytes that only `held` keeps alive: the self sizes of the objects
 * reachable from them that the GC roots no longer reach once `held` is taken
 * out of the graph (as if whatever holds them let go). For a retained test
 * environment, `held` is its global and native context, and this is what the
 * worker would get back if the environment were released.
 *
 * Two breadth-first passes through the edges that keep objects alive: from
 * the root, never entering `held`, then from `held`, counting what the first
 * pass did not reach. A WeakMap value counts as reached from its key alone
 * (the table is not waited for), which can only make the figure smaller: a
 * lower bound, like the other byte figures heaplens reports.
 */
export function exclusiveSize(graph: HeapGraph, essential: EssentialEdges, held: readonly number[]): number {
  const { nodeCount, firstEdge, edgeFieldCount, edgeTargets, selfSizes } = graph;
  const { flags } = essential;
  const seen = new Uint8Array(nodeCount);
  const queue = new Uint32Array(nodeCount);
  for (const o of held) seen[o] = 2;
  const walk = (start: readonly number[], onReach: (o: number) => void) => {
    let head = 0;
    let tail = 0;
    for (const o of start) queue[tail++] = o;
    while (head < tail) {
      const node = queue[head++]!;
      onReach(node);
      for (let k = firstEdge[node]! / edgeFieldCount, end = firstEdge[node + 1]! / edgeFieldCount; k < end; k += 1) {
        if (flags[k] === 0) continue;
        const child = edgeTargets[k]!;
        if (seen[child] !== 0) continue;
        seen[child] = 1;
        queue[tail++] = child;
      }
    }
  };
  const root = graph.rootOrdinal;
  if (seen[root] !== 0) return 0;
  seen[root] = 1;
  walk([root], () => undefined);
  // Second pass: the held objects (marked 2) and what only they reach (still 0).
  let bytes = 0;
  walk(held, (o) => {
    bytes += selfSizes[o]!;
  });
  return bytes;
}

const NATIVE_CONTEXT = 'system / NativeContext';

/** Targets of `o`'s internal edges with one of `names`. */
function internalTargets(graph: HeapGraph, o: number, names: ReadonlySet<string>): number[] {
  const { internal } = graph.meta.edgeType;
  const found: number[] = [];
  for (let e = graph.firstEdge[o]!; e < graph.firstEdge[o + 1]!; e += graph.edgeFieldCount) {
    if (graph.edgeType(e) === internal && names.has(graph.edgeName(e))) found.push(graph.edgeTarget(e));
  }
  return found;
}

/** Whether `target` is at most `depth` non-weak edges below `from`. */
function reachesWithin(graph: HeapGraph, from: number, target: number, depth: number): boolean {
  if (from === target) return true;
  if (depth === 0) return false;
  const { weak } = graph.meta.edgeType;
  for (let e = graph.firstEdge[from]!; e < graph.firstEdge[from + 1]!; e += graph.edgeFieldCount) {
    if (graph.edgeType(e) !== weak && reachesWithin(graph, graph.edgeTarget(e), target, depth - 1)) return true;
  }
  return false;
}

/**
 * The objects that stand for a vm context, given the object that carries a
 * probe property: that object, plus the context's global object, global
 * proxy and native context. A probe set on a context's global can land on
 * either: on the global object itself (V8's own contexts), or on the sandbox
 * object Node's vm module forwards the global's properties to, which the
 * native context holds in its embedder data.
 */
export function contextObjects(graph: HeapGraph, probed: number): number[] {
  const held = new Set([probed]);
  const links = new Set(['native_context', 'global_proxy', 'global_object', 'global_proxy_object']);
  for (const o of [...held]) for (const t of internalTargets(graph, o, links)) held.add(t);
  const nativeContext = new Set(graph.strings.indexesOf(NATIVE_CONTEXT));
  for (let o = 0; o < graph.nodeCount && nativeContext.size > 0; o += 1) {
    if (held.has(o) || !nativeContext.has(graph.nameIndex(o))) continue;
    // embedder_data › [slot] › [1] › sandbox (Node's ContextifyContext slot), or closer.
    if (internalTargets(graph, o, new Set(['embedder_data'])).some((data) => reachesWithin(graph, data, probed, 2))) held.add(o);
  }
  // The global object and proxy of a native context found that way.
  for (const o of [...held]) for (const t of internalTargets(graph, o, links)) held.add(t);
  return [...held];
}
