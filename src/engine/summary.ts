import { buildDominatorTree, type DominatorTree } from './dominators.js';
import { essentialEdges } from './essential-edges.js';
import type { HeapGraph } from './graph.js';
import { toGraph } from './to-graph.js';
import { parseGraphColumns, type ParseOptions, type SnapshotSource } from './parse.js';
import { buildRetainers } from './retainers.js';

/** One row of the DevTools Summary view. */
export interface ClassSummary {
  readonly name: string;
  readonly count: number;
  readonly shallowSize: number;
  /** Retained size of the class: objects nested under another object of the same class count once. */
  readonly retainedSize: number;
}

export interface SnapshotSummary {
  readonly nodes: number;
  readonly edges: number;
  /** Sum of all shallow sizes. */
  readonly totalSize: number;
  /** Largest retained size first. */
  readonly classes: ClassSummary[];
}

/**
 * Class retained sizes as DevTools computes them: a depth-first walk of the
 * dominator tree that adds an object's retained size to its class only when
 * no ancestor of the same class is open.
 */
function classRetained(graph: HeapGraph, tree: DominatorTree, classOf: Uint32Array, classCount: number): Float64Array {
  const n = graph.nodeCount;
  const { dominator, order } = tree;
  // Children lists of the dominator tree, by counting sort.
  const firstChild = new Uint32Array(n + 1);
  for (let i = 1; i < order.length; i += 1) firstChild[dominator[order[i]!]!]! += 1;
  let sum = 0;
  for (let o = 0; o <= n; o += 1) {
    sum += firstChild[o]!;
    firstChild[o] = sum;
  }
  const children = new Uint32Array(order.length);
  for (let i = 1; i < order.length; i += 1) {
    const o = order[i]!;
    children[--firstChild[dominator[o]!]!] = o;
  }
  const open = new Uint32Array(classCount);
  const retained = new Float64Array(classCount);
  const stackNode = new Uint32Array(order.length + 1);
  const stackNext = new Uint32Array(order.length + 1);
  let depth = 0;
  stackNode[0] = graph.rootOrdinal;
  stackNext[0] = firstChild[graph.rootOrdinal]!;
  depth = 1;
  while (depth > 0) {
    const node = stackNode[depth - 1]!;
    const next = stackNext[depth - 1]!;
    if (next < firstChild[node + 1]!) {
      stackNext[depth - 1] = next + 1;
      const child = children[next]!;
      const c = classOf[child]!;
      if (open[c] === 0) retained[c]! += tree.retainedSize[child]!;
      open[c]! += 1;
      stackNode[depth] = child;
      stackNext[depth] = firstChild[child]!;
      depth += 1;
    } else {
      depth -= 1;
      if (node !== graph.rootOrdinal) open[classOf[node]!]! -= 1;
    }
  }
  return retained;
}

/** Summary by class of one snapshot, like the DevTools Summary view. */
export async function inspectSnapshot(source: SnapshotSource, options: ParseOptions = {}): Promise<SnapshotSummary> {
  const graph = toGraph(await parseGraphColumns(source, options), source, options);
  const essential = essentialEdges(graph);
  const tree = buildDominatorTree(graph, buildRetainers(graph, essential), essential);
  const names: string[] = [];
  const index = new Map<string, number>();
  const classOf = new Uint32Array(graph.nodeCount);
  const counts: number[] = [];
  const shallow: number[] = [];
  let totalSize = 0;
  for (let o = 0; o < graph.nodeCount; o += 1) {
    const name = graph.className(o);
    let c = index.get(name);
    if (c === undefined) {
      c = names.length;
      index.set(name, c);
      names.push(name);
      counts.push(0);
      shallow.push(0);
    }
    classOf[o] = c;
    counts[c]! += 1;
    const size = graph.selfSize(o);
    shallow[c]! += size;
    totalSize += size;
  }
  const retained = classRetained(graph, tree, classOf, names.length);
  const classes = names
    .map((name, c) => ({ name, count: counts[c]!, shallowSize: shallow[c]!, retainedSize: retained[c]! }))
    .sort((a, b) => b.retainedSize - a.retainedSize || a.name.localeCompare(b.name));
  return { nodes: graph.nodeCount, edges: graph.edgeCount, totalSize, classes };
}
