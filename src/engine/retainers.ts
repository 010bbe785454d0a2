import type { HeapGraph } from './graph.js';

/**
 * Reverse edges by counting sort, as DevTools' `buildRetainers`: for node o,
 * `retainerEdges[firstRetainer[o] … firstRetainer[o+1])` are the ordinals of
 * the edges that point at it, and `retainerNodes` the same slots' source
 * ordinals.
 */
export interface Retainers {
  readonly firstRetainer: Uint32Array;
  readonly retainerNodes: Uint32Array;
  readonly retainerEdges: Uint32Array;
}

export function buildRetainers(graph: HeapGraph): Retainers {
  const { nodeCount, edgeFieldCount, firstEdge, edgeTargets } = graph;
  const edgeCount = edgeTargets.length;
  const firstRetainer = new Uint32Array(nodeCount + 1);
  const retainerNodes = new Uint32Array(edgeCount);
  const retainerEdges = new Uint32Array(edgeCount);
  for (let k = 0; k < edgeCount; k += 1) firstRetainer[edgeTargets[k]!]! += 1;
  // Inclusive prefix sums; firstRetainer[o] then counts down to o's first slot as slots fill.
  let sum = 0;
  for (let o = 0; o <= nodeCount; o += 1) {
    sum += firstRetainer[o]!;
    firstRetainer[o] = sum;
  }
  for (let o = 0; o < nodeCount; o += 1) {
    for (let k = firstEdge[o]! / edgeFieldCount, end = firstEdge[o + 1]! / edgeFieldCount; k < end; k += 1) {
      const slot = --firstRetainer[edgeTargets[k]!]!;
      retainerNodes[slot] = o;
      retainerEdges[slot] = k;
    }
  }
  return { firstRetainer, retainerNodes, retainerEdges };
}
