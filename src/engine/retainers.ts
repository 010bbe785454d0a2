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
  /** Edge ordinals of the slots; null when built over essential edges only (not needed then). */
  readonly retainerEdges: Uint32Array | null;
}

/**
 * Builds the retainers. Given `essential` flags, only edges that keep their
 * target alive are included and the edge ordinals are not kept: that is all
 * the dominator tree needs, in two fifths of the memory.
 */
export function buildRetainers(graph: HeapGraph, essential?: { readonly flags: Uint8Array }): Retainers {
  const { nodeCount, edgeFieldCount, firstEdge, edgeTargets } = graph;
  const flags = essential?.flags;
  const edgeCount = edgeTargets.length;
  const firstRetainer = new Uint32Array(nodeCount + 1);
  let kept = 0;
  for (let k = 0; k < edgeCount; k += 1) {
    if (flags && flags[k] === 0) continue;
    firstRetainer[edgeTargets[k]!]! += 1;
    kept += 1;
  }
  const retainerNodes = new Uint32Array(kept);
  const retainerEdges = flags ? null : new Uint32Array(kept);
  // Inclusive prefix sums; firstRetainer[o] then counts down to o's first slot as slots fill.
  let sum = 0;
  for (let o = 0; o <= nodeCount; o += 1) {
    sum += firstRetainer[o]!;
    firstRetainer[o] = sum;
  }
  for (let o = 0; o < nodeCount; o += 1) {
    for (let k = firstEdge[o]! / edgeFieldCount, end = firstEdge[o + 1]! / edgeFieldCount; k < end; k += 1) {
      if (flags && flags[k] === 0) continue;
      const slot = --firstRetainer[edgeTargets[k]!]!;
      retainerNodes[slot] = o;
      if (retainerEdges) retainerEdges[slot] = k;
    }
  }
  return { firstRetainer, retainerNodes, retainerEdges };
}
