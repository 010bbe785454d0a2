import type { BigUint32Array } from './big-array.js';
import type { SnapshotData } from './loader.js';
import type { SnapshotMeta } from './meta.js';
import type { StringTable } from './strings.js';

/** A snapshot whose arrays parse but do not form a graph; callers add the file name. */
export class GraphError extends Error {}

/**
 * The heap graph over the parsed typed arrays. Nodes are addressed by ordinal
 * (0 … nodeCount-1); a node's edges are the slice
 * `[firstEdge[o], firstEdge[o+1])` of the edges array (prefix sums of
 * edge_count, as DevTools' `firstEdgeIndexes`). Nothing here allocates per
 * node or per edge.
 */
export class HeapGraph {
  readonly meta: SnapshotMeta;
  readonly nodes: BigUint32Array;
  readonly edges: BigUint32Array;
  readonly strings: StringTable;
  readonly nodeCount: number;
  readonly nodeFieldCount: number;
  readonly edgeFieldCount: number;
  /** Start of each node's edges in the edges array (in array elements); length nodeCount + 1. */
  readonly firstEdge: Uint32Array;
  readonly rootOrdinal = 0;

  constructor(data: SnapshotData) {
    this.meta = data.meta;
    this.nodes = data.nodes;
    this.edges = data.edges;
    this.strings = data.strings;
    this.nodeCount = data.meta.nodeCount;
    this.nodeFieldCount = data.meta.nodeFieldCount;
    this.edgeFieldCount = data.meta.edgeFieldCount;
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    const { nodes, nodeFieldCount, edgeFieldCount } = this;
    const edgeCountOffset = data.meta.node.edgeCount;
    let edge = 0;
    for (let o = 0; o < this.nodeCount; o += 1) {
      this.firstEdge[o] = edge;
      edge += nodes.get(o * nodeFieldCount + edgeCountOffset) * edgeFieldCount;
    }
    this.firstEdge[this.nodeCount] = edge;
    if (edge !== this.edges.length) {
      throw new GraphError(`the nodes' edge counts add up to ${edge / edgeFieldCount} edges but the snapshot has ${this.edges.length / edgeFieldCount}`);
    }
    const toOffset = data.meta.edge.toNode;
    const limit = this.nodeCount * nodeFieldCount;
    for (let e = 0; e < this.edges.length; e += edgeFieldCount) {
      const to = this.edges.get(e + toOffset);
      if (to >= limit || to % nodeFieldCount !== 0) {
        throw new GraphError(`edge ${e / edgeFieldCount} points at ${to}, which is not the start of a node`);
      }
    }
  }

  type(o: number): number {
    return this.nodes.get(o * this.nodeFieldCount + this.meta.node.type);
  }
  nameIndex(o: number): number {
    return this.nodes.get(o * this.nodeFieldCount + this.meta.node.name);
  }
  name(o: number): string {
    return this.strings.get(this.nameIndex(o));
  }
  id(o: number): number {
    return this.nodes.get(o * this.nodeFieldCount + this.meta.node.id);
  }
  selfSize(o: number): number {
    return this.nodes.get(o * this.nodeFieldCount + this.meta.node.selfSize);
  }
  typeName(o: number): string {
    return this.meta.nodeTypes[this.type(o)] ?? 'unknown';
  }

  edgeType(e: number): number {
    return this.edges.get(e + this.meta.edge.type);
  }
  /** The ordinal of an edge's target. */
  edgeTarget(e: number): number {
    return this.edges.get(e + this.meta.edge.toNode) / this.nodeFieldCount;
  }
  /** Property name or element index, as DevTools shows it on a path. */
  edgeName(e: number): string {
    const raw = this.edges.get(e + this.meta.edge.nameOrIndex);
    const type = this.edgeType(e);
    const { element, hidden } = this.meta.edgeType;
    return type === element || type === hidden ? `[${raw}]` : this.strings.get(raw);
  }

  /**
   * A node's class as DevTools names it: the constructor name for objects
   * and native objects, `(closure)`, `(string)`, `(array)` … for the other
   * types, `(compiled code)` for code and `(system)` for hidden nodes.
   */
  className(o: number): string {
    const type = this.type(o);
    const t = this.meta.nodeType;
    if (type === t.object || type === t.native) return this.name(o);
    if (type === t.hidden) return '(system)';
    if (type === t.code) return '(compiled code)';
    if (type === t.concatenatedString || type === t.slicedString) return '(string)';
    return `(${this.meta.nodeTypes[type] ?? 'unknown'})`;
  }
}

/** A reusable view of one node, moved with `at(ordinal)`: one object, however many nodes. */
export class NodeCursor {
  ordinal = 0;
  constructor(private readonly graph: HeapGraph) {}
  at(ordinal: number): this {
    this.ordinal = ordinal;
    return this;
  }
  get id(): number {
    return this.graph.id(this.ordinal);
  }
  get name(): string {
    return this.graph.name(this.ordinal);
  }
  get className(): string {
    return this.graph.className(this.ordinal);
  }
  get selfSize(): number {
    return this.graph.selfSize(this.ordinal);
  }
  get type(): string {
    return this.graph.typeName(this.ordinal);
  }
  get edgeCount(): number {
    return (this.graph.firstEdge[this.ordinal + 1]! - this.graph.firstEdge[this.ordinal]!) / this.graph.edgeFieldCount;
  }
}

/** A reusable view of one edge (addressed by its index into the edges array). */
export class EdgeCursor {
  index = 0;
  constructor(private readonly graph: HeapGraph) {}
  at(index: number): this {
    this.index = index;
    return this;
  }
  get type(): string {
    return this.graph.meta.edgeTypes[this.graph.edgeType(this.index)] ?? 'unknown';
  }
  get name(): string {
    return this.graph.edgeName(this.index);
  }
  get target(): number {
    return this.graph.edgeTarget(this.index);
  }
}
