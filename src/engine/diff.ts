import { BeforeSide, compareClasses, markNew, type ClassDelta } from './comparison.js';
import { findCulprits, type CulpritOptions, type CulpritResult } from './culprits.js';
import { userRootDistances } from './distances.js';
import { buildDominatorTree } from './dominators.js';
import { essentialEdges } from './essential-edges.js';
import type { HeapGraph } from './graph.js';
import { parseGraphColumns, parseSnapshotColumns, type ParseOptions, type SnapshotSource } from './parse.js';
import { buildRetainers } from './retainers.js';
import { toGraph } from './to-graph.js';

export interface SnapshotDiff extends CulpritResult {
  readonly before: { readonly nodes: number; readonly maxId: number };
  readonly after: { readonly nodes: number; readonly edges: number };
  /** New objects of `after` (ids absent from `before`). */
  readonly newObjects: number;
  /** The Comparison view, largest size delta first. */
  readonly classes: ClassDelta[];
}

export interface DiffOptions extends CulpritOptions, ParseOptions {}

/**
 * Reads `before` as node columns (no records, no edges) and compares it with the graph of
 * `after`. Its own function so that everything of `before` is garbage once
 * it returns: two full graphs are never held, and the dominator tree is
 * built without the before side in memory.
 */
async function compareWithBefore(before: SnapshotSource, graph: HeapGraph, options: ParseOptions) {
  const side = new BeforeSide(await parseSnapshotColumns(before, options));
  const marked = markNew(graph, side);
  return { isNew: marked.isNew, classes: compareClasses(side, graph, marked), beforeNodes: side.ids.length, maxId: side.maxId };
}

/** What `after` has that `before` had not, and what keeps it alive. */
export async function diffSnapshots(before: SnapshotSource, after: SnapshotSource, options: DiffOptions = {}): Promise<SnapshotDiff> {
  const graph = toGraph(await parseGraphColumns(after, options), after, options);
  const { isNew, classes, beforeNodes, maxId } = await compareWithBefore(before, graph, options);
  let newObjects = 0;
  for (let o = 0; o < isNew.length; o += 1) newObjects += isNew[o]!;
  const essential = essentialEdges(graph);
  const tree = buildDominatorTree(graph, buildRetainers(graph, essential), essential);
  const distances = userRootDistances(graph, essential);
  const culprits = findCulprits(graph, isNew, tree, distances, options);
  return {
    before: { nodes: beforeNodes, maxId },
    after: { nodes: graph.nodeCount, edges: graph.edgeCount },
    newObjects,
    classes,
    ...culprits,
  };
}
