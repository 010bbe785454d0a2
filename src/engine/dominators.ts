import type { EssentialEdges } from './essential-edges.js';
import type { HeapGraph } from './graph.js';
import type { Retainers } from './retainers.js';

export interface DominatorTree {
  /** Immediate dominator of each node (by ordinal); the root and unreachable nodes map to the root. */
  readonly dominator: Uint32Array;
  /** Bytes freed if the node were freed: self size plus the sizes of the nodes it dominates. */
  readonly retainedSize: Float64Array;
  /** Whether the node is reachable from the root through essential edges. */
  readonly reachable: Uint8Array;
  /** Reachable nodes in DFS preorder: every node comes after its dominator. */
  readonly order: Uint32Array;
}

/**
 * Dominators by Lengauer–Tarjan (the simple version, with path compression),
 * over essential edges only, then retained sizes by summing each node into its
 * dominator in reverse DFS order. Iterative throughout: heaps have paths far
 * deeper than the call stack.
 */
export function buildDominatorTree(graph: HeapGraph, retainers: Retainers, essential: EssentialEdges): DominatorTree {
  const n = graph.nodeCount;
  const { firstEdge, edgeFieldCount, edgeTargets } = graph;
  const { flags } = essential;
  const { firstRetainer, retainerNodes, retainerEdges } = retainers;
  const root = graph.rootOrdinal;

  // 1. DFS from the root: preorder numbers (dfs), the vertex of each number, the DFS parent.
  const dfs = new Int32Array(n).fill(-1);
  const vertex = new Uint32Array(n);
  const parent = new Uint32Array(n);
  const stackNode = new Uint32Array(n);
  const stackEdge = new Uint32Array(n);
  let count = 0;
  let depth = 0;
  dfs[root] = count;
  vertex[count++] = root;
  // Edge positions on the stack are edge ordinals.
  stackNode[0] = root;
  stackEdge[0] = firstEdge[root]! / edgeFieldCount;
  depth = 1;
  while (depth > 0) {
    const node = stackNode[depth - 1]!;
    const end = firstEdge[node + 1]! / edgeFieldCount;
    let k = stackEdge[depth - 1]!;
    let pushed = false;
    for (; k < end; k += 1) {
      if (flags[k] === 0) continue;
      const child = edgeTargets[k]!;
      if (dfs[child] !== -1) continue;
      dfs[child] = count;
      vertex[count] = child;
      parent[count] = dfs[node]!;
      count += 1;
      stackEdge[depth - 1] = k + 1;
      stackNode[depth] = child;
      stackEdge[depth] = firstEdge[child]! / edgeFieldCount;
      depth += 1;
      pushed = true;
      break;
    }
    if (!pushed) depth -= 1;
  }

  // 2. Semidominators and immediate dominators, by DFS number.
  // The DFS's edge stack is done with: its buffer holds the immediate dominators.
  const semi = new Uint32Array(count);
  const idom = stackEdge.subarray(0, count);
  const label = new Uint32Array(n);
  const ancestor = new Int32Array(count).fill(-1);
  const bucketHead = new Int32Array(count).fill(-1);
  const bucketNext = new Int32Array(count).fill(-1);
  const path = stackNode; // reused as the compression stack
  for (let v = 0; v < count; v += 1) {
    semi[v] = v;
    label[v] = v;
  }
  const evaluate = (v: number): number => {
    if (ancestor[v] === -1) return v;
    // Compress the ancestor chain of v, iteratively.
    let top = 0;
    let x = v;
    while (ancestor[ancestor[x]!]! !== -1) {
      path[top++] = x;
      x = ancestor[x]!;
    }
    while (top > 0) {
      const y = path[--top]!;
      const a = ancestor[y]!;
      if (semi[label[a]!]! < semi[label[y]!]!) label[y] = label[a]!;
      ancestor[y] = ancestor[a]!;
    }
    return label[v]!;
  };
  for (let w = count - 1; w > 0; w -= 1) {
    const node = vertex[w]!;
    const first = firstRetainer[node]!;
    const last = firstRetainer[node + 1]!;
    // Most heap objects have one retainer. Over essential edges only, that one
    // is w's DFS parent, and the parent is its semidominator: no evaluation.
    if (retainerEdges === null && last - first === 1) semi[w] = parent[w]!;
    else for (let r = first, end = last; r < end; r += 1) {
      const source = retainerNodes[r]!;
      const v = dfs[source]!;
      if (v === -1 || (retainerEdges !== null && flags[retainerEdges[r]!] === 0)) continue;
      const u = evaluate(v);
      if (semi[u]! < semi[w]!) semi[w] = semi[u]!;
    }
    bucketNext[w] = bucketHead[semi[w]!]!;
    bucketHead[semi[w]!] = w;
    const p = parent[w]!;
    ancestor[w] = p;
    for (let v = bucketHead[p]!; v !== -1; v = bucketNext[v]!) {
      const u = evaluate(v);
      idom[v] = semi[u]! < semi[v]! ? u : p;
    }
    bucketHead[p] = -1;
  }
  for (let w = 1; w < count; w += 1) {
    if (idom[w] !== semi[w]) idom[w] = idom[idom[w]!]!;
  }

  // 3. Back to ordinals; retained sizes bottom-up in reverse DFS order.
  // `label` is done with too: its buffer becomes the ordinal-indexed dominator array.
  const dominator = label.fill(root);
  const reachable = new Uint8Array(n);
  const retainedSize = new Float64Array(n);
  for (let o = 0; o < n; o += 1) retainedSize[o] = graph.selfSize(o);
  for (let w = 0; w < count; w += 1) {
    const node = vertex[w]!;
    reachable[node] = 1;
    if (w > 0) dominator[node] = vertex[idom[w]!]!;
  }
  for (let w = count - 1; w > 0; w -= 1) {
    const node = vertex[w]!;
    retainedSize[vertex[idom[w]!]!]! += retainedSize[node]!;
  }
  return { dominator, retainedSize, reachable, order: vertex.subarray(0, count) };
}
