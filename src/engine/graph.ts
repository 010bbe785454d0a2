import type { SnapshotData } from './loader.js';
import type { SnapshotMeta } from './meta.js';
import type { StringTable } from './strings.js';

/** A snapshot whose arrays parse but do not form a graph; callers add the file name. */
export class GraphError extends Error {}

/**
 * The heap graph, as parallel typed arrays: one column per node field and per
 * edge field that the analyses read, copied out of the parsed records, which
 * are then dropped (the columns take about two thirds of their memory). Nodes
 * are addressed by ordinal (0 … nodeCount-1); a node's edges are the slice
 * `[firstEdge[o], firstEdge[o+1])` in edge-record units (prefix sums of
 * edge_count, as DevTools' `firstEdgeIndexes`), i.e. edge ordinals
 * `firstEdge[o] / edgeFieldCount …`. Nothing here allocates per node or edge.
 */
export class HeapGraph {
  readonly meta: SnapshotMeta;
  readonly strings: StringTable;
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly nodeFieldCount: number;
  readonly edgeFieldCount: number;
  readonly rootOrdinal = 0;
  /** Start of each node's edges, in edge-array elements (edge ordinal × edgeFieldCount); length nodeCount + 1. */
  readonly firstEdge: Uint32Array;
  /** Node columns, by ordinal. */
  readonly ids: Uint32Array;
  readonly types: Uint8Array;
  readonly names: Uint32Array;
  readonly selfSizes: Uint32Array;
  /** Edge columns, by edge ordinal: target node ordinal, type, name (string index) or element index. */
  readonly edgeTargets: Uint32Array;
  readonly edgeTypes: Uint8Array;
  readonly edgeNames: Uint32Array;
  /** className() of each node type, or null where the node's own name is its class. */
  private readonly typeLabels: Array<string | null>;

  constructor(data: SnapshotData) {
    const { meta, nodes, edges } = data;
    this.meta = meta;
    this.strings = data.strings;
    this.nodeCount = meta.nodeCount;
    this.nodeFieldCount = meta.nodeFieldCount;
    this.edgeFieldCount = meta.edgeFieldCount;
    const { nodeFieldCount, edgeFieldCount, nodeCount } = this;
    // One pass over the node records fills every node column.
    this.ids = new Uint32Array(nodeCount);
    this.types = new Uint8Array(nodeCount);
    this.names = new Uint32Array(nodeCount);
    this.selfSizes = new Uint32Array(nodeCount);
    const edgeCounts = new Uint32Array(nodeCount);
    {
      const { id, type, name, selfSize, edgeCount } = meta.node;
      const single = nodes.chunks.length === 1 ? nodes.chunks[0]! : null;
      const at = single ? (i: number) => single[i]! : (i: number) => nodes.get(i);
      for (let o = 0, r = 0; o < nodeCount; o += 1, r += nodeFieldCount) {
        this.ids[o] = at(r + id);
        this.types[o] = at(r + type);
        this.names[o] = at(r + name);
        this.selfSizes[o] = at(r + selfSize);
        edgeCounts[o] = at(r + edgeCount);
      }
    }
    const t = meta.nodeType;
    this.typeLabels = meta.nodeTypes.map((name, type) => {
      if (type === t.object || type === t.native) return null;
      if (type === t.hidden) return '(system)';
      if (type === t.code) return '(compiled code)';
      if (type === t.concatenatedString || type === t.slicedString) return '(string)';
      return `(${name})`;
    });
    this.firstEdge = new Uint32Array(nodeCount + 1);
    let edge = 0;
    for (let o = 0; o < nodeCount; o += 1) {
      this.firstEdge[o] = edge;
      edge += edgeCounts[o]! * edgeFieldCount;
    }
    this.firstEdge[nodeCount] = edge;
    if (edge !== edges.length) {
      throw new GraphError(`the nodes' edge counts add up to ${edge / edgeFieldCount} edges but the snapshot has ${edges.length / edgeFieldCount}`);
    }
    this.edgeCount = edges.length / edgeFieldCount;
    const limit = nodeCount * nodeFieldCount;
    const count = this.edgeCount;
    this.edgeTargets = new Uint32Array(count);
    this.edgeTypes = new Uint8Array(count);
    this.edgeNames = new Uint32Array(count);
    const { toNode, type, nameOrIndex } = meta.edge;
    const single = edges.chunks.length === 1 ? edges.chunks[0]! : null;
    const at = single ? (i: number) => single[i]! : (i: number) => edges.get(i);
    for (let k = 0, r = 0; k < count; k += 1, r += edgeFieldCount) {
      const to = at(r + toNode);
      if (to >= limit || to % nodeFieldCount !== 0) throw new GraphError(`edge ${k} points at ${to}, which is not the start of a node`);
      this.edgeTargets[k] = to / nodeFieldCount;
      this.edgeTypes[k] = at(r + type);
      this.edgeNames[k] = at(r + nameOrIndex);
    }
  }

  type(o: number): number {
    return this.types[o]!;
  }
  nameIndex(o: number): number {
    return this.names[o]!;
  }
  name(o: number): string {
    return this.strings.get(this.names[o]!);
  }
  id(o: number): number {
    return this.ids[o]!;
  }
  selfSize(o: number): number {
    return this.selfSizes[o]!;
  }
  typeName(o: number): string {
    return this.meta.nodeTypes[this.types[o]!] ?? 'unknown';
  }

  edgeType(e: number): number {
    return this.edgeTypes[e / this.edgeFieldCount]!;
  }
  /** The ordinal of an edge's target (`e` is the edge's element index). */
  edgeTarget(e: number): number {
    return this.edgeTargets[e / this.edgeFieldCount]!;
  }
  /** Property name or element index, as DevTools shows it on a path. */
  edgeName(e: number): string {
    const raw = this.edgeNames[e / this.edgeFieldCount]!;
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
    return this.typeLabels[this.types[o]!] ?? this.name(o);
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
