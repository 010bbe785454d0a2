import type { GraphColumns, SnapshotData } from './loader.js';
import type { SnapshotMeta } from './meta.js';
import type { StringTable } from './strings.js';

/** The graph columns of parsed records (to_node still a record index, as in GraphColumns). */
function columnsOf(data: SnapshotData): GraphColumns {
  const { meta, nodes, edges } = data;
  const n = meta.nodeCount;
  const e = edges.length / meta.edgeFieldCount;
  const out = {
    meta,
    strings: data.strings,
    ids: new Uint32Array(n),
    types: new Uint8Array(n),
    names: new Uint32Array(n),
    selfSizes: new Uint32Array(n),
    edgeCounts: new Uint32Array(n),
    edgeTypes: new Uint8Array(e),
    edgeNames: new Uint32Array(e),
    edgeTargets: new Uint32Array(e),
  };
  const { id, type, name, selfSize, edgeCount } = meta.node;
  for (let o = 0, r = 0; o < n; o += 1, r += meta.nodeFieldCount) {
    out.ids[o] = nodes.get(r + id);
    out.types[o] = nodes.get(r + type);
    out.names[o] = nodes.get(r + name);
    out.selfSizes[o] = nodes.get(r + selfSize);
    out.edgeCounts[o] = nodes.get(r + edgeCount);
  }
  const { type: edgeType, nameOrIndex, toNode } = meta.edge;
  for (let k = 0, r = 0; k < e; k += 1, r += meta.edgeFieldCount) {
    out.edgeTypes[k] = edges.get(r + edgeType);
    out.edgeNames[k] = edges.get(r + nameOrIndex);
    out.edgeTargets[k] = edges.get(r + toNode);
  }
  return out;
}

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

  /**
   * From the parsed records (`parseSnapshot`), copying the columns out, or
   * from columns the loader filled directly (`parseGraphColumns`), adopting them.
   */
  constructor(data: SnapshotData | GraphColumns) {
    const columns = 'nodes' in data ? columnsOf(data) : data;
    const { meta } = columns;
    this.meta = meta;
    this.strings = columns.strings;
    this.nodeCount = meta.nodeCount;
    this.nodeFieldCount = meta.nodeFieldCount;
    this.edgeFieldCount = meta.edgeFieldCount;
    this.ids = columns.ids;
    this.types = columns.types;
    this.names = columns.names;
    this.selfSizes = columns.selfSizes;
    this.edgeTypes = columns.edgeTypes;
    this.edgeNames = columns.edgeNames;
    this.edgeTargets = columns.edgeTargets;
    this.edgeCount = columns.edgeTargets.length;
    const t = meta.nodeType;
    this.typeLabels = meta.nodeTypes.map((name, type) => {
      if (type === t.object || type === t.native) return null;
      if (type === t.hidden) return '(system)';
      if (type === t.code) return '(compiled code)';
      if (type === t.concatenatedString || type === t.slicedString) return '(string)';
      return `(${name})`;
    });
    const { nodeCount, nodeFieldCount, edgeFieldCount } = this;
    this.firstEdge = new Uint32Array(nodeCount + 1);
    let edge = 0;
    for (let o = 0; o < nodeCount; o += 1) {
      this.firstEdge[o] = edge;
      edge += columns.edgeCounts[o]! * edgeFieldCount;
    }
    this.firstEdge[nodeCount] = edge;
    if (edge !== this.edgeCount * edgeFieldCount) {
      throw new GraphError(`the nodes' edge counts add up to ${edge / edgeFieldCount} edges but the snapshot has ${this.edgeCount}`);
    }
    // to_node is a record index: turn it into an ordinal, in place, checking it names a node.
    const limit = nodeCount * nodeFieldCount;
    const targets = this.edgeTargets;
    for (let k = 0; k < this.edgeCount; k += 1) {
      const to = targets[k]!;
      if (to >= limit || to % nodeFieldCount !== 0) throw new GraphError(`edge ${k} points at ${to}, which is not the start of a node`);
      targets[k] = to / nodeFieldCount;
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
