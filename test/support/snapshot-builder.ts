/**
 * Hand-made heap snapshots in V8's exact `.heapsnapshot` text layout, for
 * engine tests with answers worked out by hand.
 *
 *   const b = new SnapshotBuilder();
 *   const root = b.root();
 *   const global = b.node('object', 'global', { selfSize: 24 });
 *   b.edge(root, 'shortcut', '1', global);
 *   b.writeTo(path);
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { userRootDistances } from '../../src/engine/distances.js';
import { buildDominatorTree } from '../../src/engine/dominators.js';
import { essentialEdges } from '../../src/engine/essential-edges.js';
import { HeapGraph } from '../../src/engine/graph.js';
import { parseSnapshot, type ParseOptions, type SnapshotSource } from '../../src/engine/parse.js';
import { buildRetainers } from '../../src/engine/retainers.js';

const NODE20_NODE_TYPES = [
  'hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic',
  'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape', 'wasm object',
] as const;

export type NodeType = (typeof NODE20_NODE_TYPES)[number];
export type EdgeType = 'context' | 'element' | 'property' | 'internal' | 'hidden' | 'shortcut' | 'weak';

export interface Layout {
  readonly nodeFields: readonly string[];
  readonly nodeTypes: readonly string[];
  readonly edgeFields: readonly string[];
  readonly edgeTypes: readonly string[];
}

/** Node 20 (V8 11.3) writes exactly this meta. */
export const NODE20: Layout = {
  nodeFields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
  nodeTypes: NODE20_NODE_TYPES,
  edgeFields: ['type', 'name_or_index', 'to_node'],
  edgeTypes: ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'],
};

/** Node 22: the same, without "wasm object". */
export const NODE22: Layout = { ...NODE20, nodeTypes: NODE20_NODE_TYPES.filter((t) => t !== 'wasm object') };

/** The type name meta lists for a non-enum field (V8's spelling). */
const FIELD_KIND: Record<string, string> = { name: 'string', name_or_index: 'string_or_number', to_node: 'node' };

export interface BuiltNode {
  readonly ordinal: number;
  readonly id: number;
  readonly type: NodeType;
  readonly name: string;
  readonly selfSize: number;
}

interface NodeOptions {
  readonly id?: number;
  readonly selfSize?: number;
  /** Values for other fields (trace_node_id, detachedness, extra ones); default 0. */
  readonly fields?: Readonly<Record<string, number>>;
}

interface Edge {
  readonly type: EdgeType;
  readonly nameOrIndex: string | number;
  readonly to: BuiltNode;
}

export interface OutputOptions {
  /** Header counts that disagree with the arrays, for error tests. */
  readonly nodeCount?: number;
  readonly edgeCount?: number;
  /** V8 escapes non-ASCII as \uXXXX (default); 'raw' writes UTF-8. */
  readonly unicode?: 'escape' | 'raw';
}

export class SnapshotBuilder {
  private readonly nodes: Array<BuiltNode & { fields: Readonly<Record<string, number>> }> = [];
  private readonly edges: Edge[][] = [];
  private readonly strings = ['<dummy>'];
  private readonly stringIndex = new Map<string, number>([['<dummy>', 0]]);
  private nextId = 1;

  constructor(
    readonly layout: Layout = NODE20,
    rootId?: number,
  ) {
    this.node('synthetic', '', rootId === undefined ? {} : { id: rootId });
  }

  /** Node 0: the synthetic root, named "". */
  root(): BuiltNode {
    return this.nodes[0]!;
  }

  /** Adds a node; ids are odd and increasing unless given. */
  node(type: NodeType, name: string, options: NodeOptions = {}): BuiltNode {
    if (!this.layout.nodeTypes.includes(type)) throw new Error(`this layout has no node type ${type}`);
    const id = options.id ?? this.nextId;
    if (id >= this.nextId) this.nextId = id % 2 === 0 ? id + 1 : id + 2;
    const node = { ordinal: this.nodes.length, id, type, name, selfSize: options.selfSize ?? 0, fields: options.fields ?? {} };
    this.intern(name);
    this.nodes.push(node);
    this.edges.push([]);
    return node;
  }

  /** Element and hidden edges take an index; the others a name. */
  edge(from: BuiltNode, type: EdgeType, nameOrIndex: string | number, to: BuiltNode): this {
    const indexed = type === 'element' || type === 'hidden';
    if (indexed !== (typeof nameOrIndex === 'number')) throw new Error(`${type} edges take ${indexed ? 'an index' : 'a name'}`);
    if (typeof nameOrIndex === 'string') this.intern(nameOrIndex);
    this.edges[from.ordinal]!.push({ type, nameOrIndex, to });
    return this;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  get edgeCount(): number {
    return this.edges.reduce((sum, list) => sum + list.length, 0);
  }

  get maxId(): number {
    return Math.max(...this.nodes.map((n) => n.id));
  }

  private intern(s: string): number {
    let at = this.stringIndex.get(s);
    if (at === undefined) {
      at = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, at);
    }
    return at;
  }

  private meta(): Record<string, unknown> {
    const { nodeFields, nodeTypes, edgeFields, edgeTypes } = this.layout;
    return {
      node_fields: nodeFields,
      node_types: nodeFields.map((f) => (f === 'type' ? nodeTypes : FIELD_KIND[f] ?? 'number')),
      edge_fields: edgeFields,
      edge_types: edgeFields.map((f) => (f === 'type' ? edgeTypes : FIELD_KIND[f] ?? 'number')),
      trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
      trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
      sample_fields: ['timestamp_us', 'last_assigned_id'],
      location_fields: ['object_index', 'script_id', 'line', 'column'],
    };
  }

  toString(options: OutputOptions = {}): string {
    const { nodeFields, nodeTypes, edgeFields, edgeTypes } = this.layout;
    const nodeRows = this.nodes.map((n, o) =>
      nodeFields.map((f) => {
        switch (f) {
          case 'type': return nodeTypes.indexOf(n.type);
          case 'name': return this.stringIndex.get(n.name)!;
          case 'id': return n.id;
          case 'self_size': return n.selfSize;
          case 'edge_count': return this.edges[o]!.length;
          default: return n.fields[f] ?? 0;
        }
      }),
    );
    const edgeRows = this.edges.flat().map((e) =>
      edgeFields.map((f) => {
        switch (f) {
          case 'type': return edgeTypes.indexOf(e.type);
          case 'name_or_index': return typeof e.nameOrIndex === 'number' ? e.nameOrIndex : this.stringIndex.get(e.nameOrIndex)!;
          case 'to_node': return e.to.ordinal * nodeFields.length;
          default: return 0;
        }
      }),
    );
    // V8 ends every record with "\n" and starts every record but the first with ",".
    const rows = (list: number[][]) => list.map((r) => `${r.join(',')}\n`).join(',');
    const escape = options.unicode === 'raw'
      ? (s: string) => JSON.stringify(s)
      : (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const header = {
      snapshot: {
        meta: this.meta(),
        node_count: options.nodeCount ?? this.nodeCount,
        edge_count: options.edgeCount ?? this.edgeCount,
        trace_function_count: 0,
      },
    };
    return (
      `${JSON.stringify(header).slice(0, -1)},\n` +
      `"nodes":[${rows(nodeRows)}],\n` +
      `"edges":[${rows(edgeRows)}],\n` +
      `"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n` +
      `"strings":[${this.strings.map(escape).join(',\n')}]}`
    );
  }

  writeTo(path: string, options: OutputOptions = {}): string {
    writeFileSync(path, this.toString(options));
    return path;
  }
}

/** A fresh temporary directory, removed after the file's tests: call it at the top level or in a describe. */
export function tempDir(prefix = 'heaplens-engine-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Parses a snapshot and runs the whole graph pipeline on it. */
export async function analyze(source: SnapshotSource, options: ParseOptions = {}) {
  const data = await parseSnapshot(source, options);
  const graph = new HeapGraph(data);
  const essential = essentialEdges(graph);
  // Over essential edges only, as diff and inspect build them (exercises the one-retainer fast path).
  const retainers = buildRetainers(graph, essential);
  const tree = buildDominatorTree(graph, retainers, essential);
  const distances = userRootDistances(graph, essential);
  return { data, graph, retainers, tree, distances };
}
