import type { HeapGraph } from './graph.js';
import { IdIndex } from './id-index.js';
import type { SnapshotColumns } from './loader.js';

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

/** The before side of a diff: its node columns and strings, indexed by id. */
export class BeforeSide {
  readonly index: IdIndex;
  readonly maxId: number;
  readonly meta: SnapshotColumns['meta'];
  readonly strings: SnapshotColumns['strings'];
  readonly ids: Uint32Array;
  readonly types: Uint32Array;
  readonly names: Uint32Array;
  readonly selfSizes: Uint32Array;

  constructor(columns: SnapshotColumns) {
    ({ meta: this.meta, strings: this.strings, ids: this.ids, types: this.types, names: this.names, selfSizes: this.selfSizes } = columns);
    let maxId = 0;
    for (let o = 0; o < this.ids.length; o += 1) if (this.ids[o]! > maxId) maxId = this.ids[o]!;
    this.maxId = maxId;
    this.index = new IdIndex(this.ids);
  }

  /** Class names by DevTools' rules, from the before snapshot's own strings. */
  className(o: number): string {
    const type = this.types[o]!;
    const t = this.meta.nodeType;
    if (type === t.object || type === t.native) return this.strings.get(this.names[o]!);
    if (type === t.hidden) return '(system)';
    if (type === t.code) return '(compiled code)';
    if (type === t.concatenatedString || type === t.slicedString) return '(string)';
    return `(${this.meta.nodeTypes[type] ?? 'unknown'})`;
  }
}

/** New objects of `after`, and for the others the before ordinal they match. */
export interface NewObjects {
  readonly isNew: Uint8Array;
  /** Before ordinal of each old object; -1 for new ones. */
  readonly beforeOf: Int32Array;
}

/**
 * Marks the after snapshot's new objects. V8 gives new objects higher ids, so
 * an id above before's largest is new at once. An id that `before` also has
 * counts as the same object only when the type and the class name match too:
 * V8 keeps ids per address between snapshots and starts over when its
 * object-id map is cleared (an inspector session closing its HeapProfiler
 * agent does that), so a matching id alone can name a different object.
 */
export function markNew(graph: HeapGraph, before: BeforeSide): NewObjects {
  const n = graph.nodeCount;
  const isNew = new Uint8Array(n);
  const beforeOf = new Int32Array(n).fill(-1);
  const bMeta = before.meta;
  // Before type -> after type (V8 versions differ in their type lists; one process never does).
  const typeMap = bMeta.nodeTypes.map((name) => graph.meta.nodeTypes.indexOf(name));
  const { object, native } = graph.meta.nodeType;
  // Strings are interned per snapshot: a before name index matches one after name index.
  const sameName = new Map<number, number>();
  const { ids, types } = graph;
  const maxId = before.maxId;
  for (let o = 0; o < n; o += 1) {
    const id = ids[o]!;
    const b = id > maxId ? -1 : before.index.get(id);
    const type = types[o]!;
    if (b === -1 || typeMap[before.types[b]!] !== type) {
      isNew[o] = 1;
      continue;
    }
    if (type === object || type === native) {
      const bName = before.names[b]!;
      const aName = graph.nameIndex(o);
      const known = sameName.get(bName);
      if (known !== aName) {
        if (known !== undefined || before.strings.get(bName) !== graph.strings.get(aName)) {
          isNew[o] = 1;
          continue;
        }
        sameName.set(bName, aName);
      }
    }
    beforeOf[o] = b;
  }
  return { isNew, beforeOf };
}

type Row = { addedCount: number; addedSize: number; removedCount: number; removedSize: number };

/** The Comparison view: per class, objects added and removed between the snapshots. */
export function compareClasses(before: BeforeSide, graph: HeapGraph, marked: NewObjects): ClassDelta[] {
  const { isNew, beforeOf } = marked;
  const rows = new Map<string, Row>();
  const row = (name: string): Row => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { addedCount: 0, addedSize: 0, removedCount: 0, removedSize: 0 }));
    return r;
  };
  // Before objects that survived: matched by an after object that is not new.
  const survived = new Uint8Array(before.ids.length);
  for (let o = 0; o < graph.nodeCount; o += 1) {
    if (isNew[o]) {
      const r = row(graph.className(o));
      r.addedCount += 1;
      r.addedSize += graph.selfSize(o);
    } else {
      survived[beforeOf[o]!] = 1;
    }
  }
  for (let b = 0; b < survived.length; b += 1) {
    if (survived[b]) continue;
    const r = row(before.className(b));
    r.removedCount += 1;
    r.removedSize += before.selfSizes[b]!;
  }
  return [...rows.entries()]
    .map(([name, r]) => ({ name, ...r, countDelta: r.addedCount - r.removedCount, sizeDelta: r.addedSize - r.removedSize }))
    .sort((a, b) => b.sizeDelta - a.sizeDelta || a.name.localeCompare(b.name));
}
