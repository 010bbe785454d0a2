import type { HeapGraph } from './graph.js';

/**
 * Reverse edges by counting sort, as DevTools' `buildRetainers`: for node o,
 * `retainerEdges[firstRetainer[o] … firstRetainer[o+1])` are the indexes (into
 * the edges array) of the edges that point at it, and `retainerNodes` the
 * same slots' source ordinals.
 */
export interface Retainers {
  readonly firstRetainer: Uint32Array;
  readonly retainerNodes: Uint32Array;
  readonly retainerEdges: Uint32Array;
}

export function buildRetainers(graph: HeapGraph): Retainers {
  const { nodeCount, edgeFieldCount, firstEdge, edges } = graph;
  const toNodeOffset = graph.meta.edge.toNode;
  const nodeFieldCount = graph.nodeFieldCount;
  const edgeCount = edges.length / edgeFieldCount;
  const firstRetainer = new Uint32Array(nodeCount + 1);
  const retainerNodes = new Uint32Array(edgeCount);
  const retainerEdges = new Uint32Array(edgeCount);
  for (let e = 0; e < edges.length; e += edgeFieldCount) {
    firstRetainer[edges.get(e + toNodeOffset) / nodeFieldCount]! += 1;
  }
  // Exclusive prefix sums; firstRetainer[o] then counts down as slots fill.
  let sum = 0;
  for (let o = 0; o <= nodeCount; o += 1) {
    const count = firstRetainer[o]!;
    sum += count;
    firstRetainer[o] = sum;
  }
  for (let o = 0; o < nodeCount; o += 1) {
    for (let e = firstEdge[o]!, end = firstEdge[o + 1]!; e < end; e += edgeFieldCount) {
      const target = edges.get(e + toNodeOffset) / nodeFieldCount;
      const slot = --firstRetainer[target]!;
      retainerNodes[slot] = o;
      retainerEdges[slot] = e;
    }
  }
  return { firstRetainer, retainerNodes, retainerEdges };
}
