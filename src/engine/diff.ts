import { findCulprits, type CulpritOptions, type CulpritResult } from './culprits.js';
import { userRootDistances } from './distances.js';
import { buildDominatorTree } from './dominators.js';
import { essentialEdges } from './essential-edges.js';
import { toGraph } from './to-graph.js';
import { BeforeSide, compareClasses, markNew, type ClassDelta } from './comparison.js';
import { parseSnapshot, parseSnapshotNodes, type ParseOptions, type SnapshotSource } from './parse.js';
import { buildRetainers } from './retainers.js';

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
 * What `after` has that `before` had not, and what keeps it alive. Never
 * holds two full graphs: `before` is read without its edges and dropped once
 * its ids and class counts are taken; only `after` becomes a graph.
 */
export async function diffSnapshots(before: SnapshotSource, after: SnapshotSource, options: DiffOptions = {}): Promise<SnapshotDiff> {
  const beforeSide = new BeforeSide(await parseSnapshotNodes(before, options));
  const graph = toGraph(await parseSnapshot(after, options), after, options);
  const isNew = markNew(graph, beforeSide);
  const classes = compareClasses(beforeSide, graph, isNew);
  let newObjects = 0;
  for (let o = 0; o < isNew.length; o += 1) newObjects += isNew[o]!;
  const essential = essentialEdges(graph);
  const tree = buildDominatorTree(graph, buildRetainers(graph), essential);
  const distances = userRootDistances(graph, essential);
  const culprits = findCulprits(graph, isNew, tree, distances, options);
  return {
    before: { nodes: beforeSide.nodes.meta.nodeCount, maxId: beforeSide.maxId },
    after: { nodes: graph.nodeCount, edges: graph.edges.length / graph.edgeFieldCount },
    newObjects,
    classes,
    ...culprits,
  };
}
