import type { EssentialEdges } from './essential-edges.js';
import type { HeapGraph } from './graph.js';

export const NO_DISTANCE = 0xffffffff;
/** Added to the distance of nodes reached only from system roots (as DevTools' baseSystemDistance). */
export const SYSTEM_DISTANCE = 100_000_000;

export interface Distances {
  /** Hops from the root through a user root (NO_DISTANCE when not reachable that way). */
  readonly distance: Uint32Array;
  /** The edge (index into the edges array) a shortest path arrives by; meaningless at the roots. */
  readonly viaEdge: Uint32Array;
  /** The node that edge comes from. */
  readonly viaNode: Uint32Array;
}

/**
 * User roots, as DevTools' JSHeapSnapshot defines them: the root's children
 * that are not synthetic (in Node, the `global` object(s) the root points to
 * with shortcut edges); not "(GC roots)" and its internal subtrees.
 */
export function userRoots(graph: HeapGraph): number[] {
  const roots: number[] = [];
  const root = graph.rootOrdinal;
  for (let e = graph.firstEdge[root]!; e < graph.firstEdge[root + 1]!; e += graph.edgeFieldCount) {
    const target = graph.edgeTarget(e);
    if (graph.type(target) !== graph.meta.nodeType.synthetic && !roots.includes(target)) roots.push(target);
  }
  return roots;
}

/**
 * Breadth-first distances through the edges that keep objects alive (the
 * same essential edges as the dominator tree), with the arriving edge
 * of one shortest path per node (for retainer paths). As DevTools does, the
 * user roots go first, so a path runs through `global` whenever one exists;
 * a second pass from the root then reaches what only the engine holds (the
 * stack of the suspended test, global handles, the module loader's native
 * maps), at distances offset by SYSTEM_DISTANCE.
 */
export function userRootDistances(graph: HeapGraph, essential: EssentialEdges): Distances {
  const n = graph.nodeCount;
  const distance = new Uint32Array(n).fill(NO_DISTANCE);
  const viaEdge = new Uint32Array(n);
  const viaNode = new Uint32Array(n);
  const queue = new Uint32Array(n);
  const { firstEdge, edgeFieldCount, edgeTargets } = graph;
  const { flags } = essential;
  let head = 0;
  let tail = 0;
  /**
   * A WeakMap value reached from its key only counts once the table is
   * reached too: key edges seen before their table wait here, by table.
   */
  const waiting = new Map<number, number[]>();
  const reach = (child: number, from: number, k: number) => {
    distance[child] = distance[from]! + 1;
    viaEdge[child] = k * edgeFieldCount;
    viaNode[child] = from;
    queue[tail++] = child;
  };
  const visit = () => {
    while (head < tail) {
      const node = queue[head++]!;
      for (let k = firstEdge[node]! / edgeFieldCount, end = firstEdge[node + 1]! / edgeFieldCount; k < end; k += 1) {
        const flag = flags[k]!;
        if (flag === 0) continue;
        const child = edgeTargets[k]!;
        if (distance[child] !== NO_DISTANCE) continue;
        if (flag === 2) {
          const table = essential.ephemeronTable(k);
          if (table === -1) continue;
          if (distance[table] === NO_DISTANCE) {
            const list = waiting.get(table);
            if (list) list.push(k, node);
            else waiting.set(table, [k, node]);
            continue;
          }
        }
        reach(child, node, k);
      }
      const held = waiting.get(node);
      if (held) {
        waiting.delete(node);
        for (let i = 0; i < held.length; i += 2) {
          const k = held[i]!;
          const child = edgeTargets[k]!;
          if (distance[child] === NO_DISTANCE) reach(child, held[i + 1]!, k);
        }
      }
    }
  };
  const root = graph.rootOrdinal;
  for (const user of userRoots(graph)) {
    distance[user] = 1;
    viaNode[user] = root;
    queue[tail++] = user;
  }
  distance[root] = 0;
  visit();
  // Then everything else the root reaches: the system roots.
  distance[root] = SYSTEM_DISTANCE;
  queue[tail++] = root;
  visit();
  distance[root] = 0;
  return { distance, viaEdge, viaNode };
}
