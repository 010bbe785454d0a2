import type { HeapGraph } from './graph.js';
import { IdIndex } from './id-index.js';
import type { SnapshotNodes } from './loader.js';

/** One row of the DevTools Comparison view. */
export interface ClassDelta {
  readonly name: string;
  readonly addedCount: number;
  readonly addedSize: number;
  readonly removedCount: number;
  readonly removedSize: number;
  readonly countDelta: number;
  readonly sizeDelta: number;
}

/** The before side of a diff: its nodes and strings, indexed by id. */
export class BeforeSide {
  readonly index: IdIndex;
  readonly maxId: number;

  constructor(readonly nodes: SnapshotNodes) {
    const { nodeCount, nodeFieldCount, node } = nodes.meta;
    this.index = new IdIndex(nodeCount);
    let maxId = 0;
    for (let o = 0; o < nodeCount; o += 1) {
      const id = nodes.nodes.get(o * nodeFieldCount + node.id);
      this.index.set(id, o);
      if (id > maxId) maxId = id;
    }
    this.maxId = maxId;
  }

  field(o: number, offset: number): number {
    return this.nodes.nodes.get(o * this.nodes.meta.nodeFieldCount + offset);
  }

  /** Class names by DevTools' rules, from the before snapshot's own strings. */
  className(o: number): string {
    const { meta, strings } = this.nodes;
    const type = this.field(o, meta.node.type);
    const t = meta.nodeType;
    if (type === t.object || type === t.native) return strings.get(this.field(o, meta.node.name));
    if (type === t.hidden) return '(system)';
    if (type === t.code) return '(compiled code)';
    if (type === t.concatenatedString || type === t.slicedString) return '(string)';
    return `(${meta.nodeTypes[type] ?? 'unknown'})`;
  }
}

/**
 * Marks the after snapshot's new objects. V8 gives new objects higher ids, so
 * an id above before's largest is new at once. An id that `before` also has
 * counts as the same object only when the class matches too: V8 keeps ids
 * per address between snapshots and starts over when its object-id map is
 * cleared (an inspector session closing its HeapProfiler agent does that), so
 * a matching id alone can name a different object.
 */
export function markNew(graph: HeapGraph, before: BeforeSide): Uint8Array {
  const isNew = new Uint8Array(graph.nodeCount);
  const bMeta = before.nodes.meta;
  const named = new Set([graph.meta.nodeType.object, graph.meta.nodeType.native]);
  // Strings are interned per snapshot: a before name index matches one after name index.
  const sameName = new Map<number, number>();
  for (let o = 0; o < graph.nodeCount; o += 1) {
    const id = graph.id(o);
    if (id > before.maxId) {
      isNew[o] = 1;
      continue;
    }
    const b = before.index.get(id);
    if (b === -1) {
      isNew[o] = 1;
      continue;
    }
    const type = graph.type(o);
    // Type names can differ between V8 versions, never within one process: compare the names.
    if (bMeta.nodeTypes[before.field(b, bMeta.node.type)] !== graph.meta.nodeTypes[type]) {
      isNew[o] = 1;
      continue;
    }
    if (!named.has(type)) continue;
    const bName = before.field(b, bMeta.node.name);
    const aName = graph.nameIndex(o);
    const known = sameName.get(bName);
    if (known === aName) continue;
    if (known === undefined && before.nodes.strings.get(bName) === graph.strings.get(aName)) {
      sameName.set(bName, aName);
      continue;
    }
    isNew[o] = 1;
  }
  return isNew;
}

type Row = { addedCount: number; addedSize: number; removedCount: number; removedSize: number };

/** The Comparison view: per class, objects added and removed between the snapshots. */
export function compareClasses(before: BeforeSide, graph: HeapGraph, isNew: Uint8Array): ClassDelta[] {
  const rows = new Map<string, Row>();
  const row = (name: string): Row => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { addedCount: 0, addedSize: 0, removedCount: 0, removedSize: 0 }));
    return r;
  };
  // Before objects that survived: matched by an after object that is not new.
  const survived = new Uint8Array(before.nodes.meta.nodeCount);
  for (let o = 0; o < graph.nodeCount; o += 1) {
    if (isNew[o]) {
      const r = row(graph.className(o));
      r.addedCount += 1;
      r.addedSize += graph.selfSize(o);
    } else {
      survived[before.index.get(graph.id(o))] = 1;
    }
  }
  const { node } = before.nodes.meta;
  for (let b = 0; b < survived.length; b += 1) {
    if (survived[b]) continue;
    const r = row(before.className(b));
    r.removedCount += 1;
    r.removedSize += before.field(b, node.selfSize);
  }
  return [...rows.entries()]
    .map(([name, r]) => ({ name, ...r, countDelta: r.addedCount - r.removedCount, sizeDelta: r.addedSize - r.removedSize }))
    .sort((a, b) => b.sizeDelta - a.sizeDelta || a.name.localeCompare(b.name));
}
