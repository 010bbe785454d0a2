/**
 * The layout of a snapshot, read from its own `meta` — never hard-coded:
 * V8 versions add, drop and reorder node types (Node 20 lists "wasm object",
 * Node 22 does not) and may add fields.
 */
export interface SnapshotMeta {
  readonly nodeFieldCount: number;
  readonly edgeFieldCount: number;
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Field offsets within a node record. */
  readonly node: { readonly type: number; readonly name: number; readonly id: number; readonly selfSize: number; readonly edgeCount: number; readonly detachedness: number };
  /** Field offsets within an edge record. */
  readonly edge: { readonly type: number; readonly nameOrIndex: number; readonly toNode: number };
  readonly nodeTypes: readonly string[];
  readonly edgeTypes: readonly string[];
  /** Node type enum values heaplens uses; -1 where this V8 has no such type. */
  readonly nodeType: Readonly<Record<'hidden' | 'array' | 'string' | 'object' | 'code' | 'closure' | 'regexp' | 'number' | 'native' | 'synthetic' | 'concatenatedString' | 'slicedString' | 'symbol' | 'bigint' | 'objectShape', number>>;
  readonly edgeType: Readonly<Record<'context' | 'element' | 'property' | 'internal' | 'hidden' | 'shortcut' | 'weak', number>>;
}

/** Thrown for a header heaplens cannot use; the loader adds the file name. */
export class MetaError extends Error {}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function offsets<K extends string>(fields: readonly string[], wanted: Record<K, string>, what: string, optional: readonly string[] = []): Record<K, number> {
  const out = {} as Record<K, number>;
  const missing: string[] = [];
  for (const [key, field] of Object.entries(wanted) as Array<[K, string]>) {
    const at = fields.indexOf(field);
    if (at === -1 && !optional.includes(key)) missing.push(field);
    out[key] = at;
  }
  if (missing.length > 0) {
    const needed = (Object.entries(wanted) as Array<[string, string]>).filter(([key]) => !optional.includes(key)).map(([, f]) => f);
    throw new MetaError(`unknown ${what} field list [${fields.join(', ')}]: heaplens needs ${needed.join(', ')} (missing ${missing.join(', ')})`);
  }
  return out;
}

/** Reads `{"snapshot": {"meta": …, "node_count": …, "edge_count": …}}`. */
export function readMeta(header: unknown): SnapshotMeta {
  const snapshot = (header as { snapshot?: { meta?: Record<string, unknown>; node_count?: unknown; edge_count?: unknown } })?.snapshot;
  const meta = snapshot?.meta;
  if (!meta) throw new MetaError('the header has no snapshot.meta');
  const nodeFields = meta.node_fields;
  const edgeFields = meta.edge_fields;
  if (!isStringArray(nodeFields) || !isStringArray(edgeFields)) throw new MetaError('meta.node_fields or meta.edge_fields is not a list of names');
  const node = offsets(
    nodeFields,
    { type: 'type', name: 'name', id: 'id', selfSize: 'self_size', edgeCount: 'edge_count', detachedness: 'detachedness' },
    'node',
    ['detachedness'],
  );
  const edge = offsets(edgeFields, { type: 'type', nameOrIndex: 'name_or_index', toNode: 'to_node' }, 'edge');
  const nodeTypes = (meta.node_types as unknown[] | undefined)?.[node.type];
  const edgeTypes = (meta.edge_types as unknown[] | undefined)?.[edge.type];
  if (!isStringArray(nodeTypes) || !isStringArray(edgeTypes)) throw new MetaError('meta.node_types or meta.edge_types has no list of type names');
  const nodeCount = snapshot.node_count;
  const edgeCount = snapshot.edge_count;
  if (!Number.isSafeInteger(nodeCount) || !Number.isSafeInteger(edgeCount) || (nodeCount as number) < 1 || (edgeCount as number) < 0) {
    throw new MetaError('snapshot.node_count or snapshot.edge_count is missing or not a count');
  }
  const n = (name: string) => nodeTypes.indexOf(name);
  const e = (name: string) => edgeTypes.indexOf(name);
  return {
    nodeFieldCount: nodeFields.length,
    edgeFieldCount: edgeFields.length,
    nodeCount: nodeCount as number,
    edgeCount: edgeCount as number,
    node,
    edge,
    nodeTypes,
    edgeTypes,
    nodeType: {
      hidden: n('hidden'),
      array: n('array'),
      string: n('string'),
      object: n('object'),
      code: n('code'),
      closure: n('closure'),
      regexp: n('regexp'),
      number: n('number'),
      native: n('native'),
      synthetic: n('synthetic'),
      concatenatedString: n('concatenated string'),
      slicedString: n('sliced string'),
      symbol: n('symbol'),
      bigint: n('bigint'),
      objectShape: n('object shape'),
    },
    edgeType: {
      context: e('context'),
      element: e('element'),
      property: e('property'),
      internal: e('internal'),
      hidden: e('hidden'),
      shortcut: e('shortcut'),
      weak: e('weak'),
    },
  };
}
