import type { HeapGraph } from './graph.js';

/**
 * Which edges keep their target alive, by DevTools' rules
 * (HeapSnapshot.ts `isEssentialEdge` and the WeakMap ephemeron handling):
 * - weak edges never do;
 * - shortcut edges only from the root (they mark the user's global objects);
 * - of the two edges V8 emits for a WeakMap entry, named
 *   "N / part of key (K @k) -> value (V @v) pair in WeakMap (table @t)",
 *   only the one from the key does: the table does not keep a value alive.
 *   The key's edge keeps the value alive only while the table is alive too,
 *   so it is flagged 2 and `ephemeronTable` names its table;
 * - V8's `weak_refs_keep_during_job` list holds WeakRef targets only until
 *   the current job ends: not a real retainer either.
 */
export interface EssentialEdges {
  /**
   * By edge ordinal: 0 where the edge does not keep its target alive, 1 where
   * it does, 2 where it does while a WeakMap table is alive too (see `ephemeronTable`).
   */
  readonly flags: Uint8Array;
  /** For an edge flagged 2: the ordinal of the WeakMap table it depends on (-1 if the table is not in the snapshot). */
  ephemeronTable(edgeOrdinal: number): number;
  /** `edge` is an index into the edges array; `source` the ordinal of its owner. */
  isEssential(source: number, edge: number): boolean;
}

const TABLE = Buffer.from('pair in WeakMap (table @');
const KEEP_DURING_JOB = 'weak_refs_keep_during_job';

export function essentialEdges(graph: HeapGraph): EssentialEdges {
  const { weak, shortcut, internal, element, hidden } = graph.meta.edgeType;
  const { edgeNames, edgeTypes, firstEdge, edgeFieldCount, nodeCount } = graph;
  // string index -> the WeakMap table's node id, for the ephemeron edge names.
  const ephemeronTables = new Map<number, number>();
  for (const index of graph.strings.indexesContaining(TABLE)) {
    const match = /pair in WeakMap \(table @(\d+)\)$/.exec(graph.strings.get(index));
    if (match) ephemeronTables.set(index, Number(match[1]));
  }
  const keepIndex = graph.strings.indexesOf(KEEP_DURING_JOB)[0] ?? -1;
  const root = graph.rootOrdinal;
  const edgeCount = edgeTypes.length;
  const flags = new Uint8Array(edgeCount);
  // By type alone: weak edges never, shortcut edges only from the root.
  for (let k = 0; k < edgeCount; k += 1) {
    const type = edgeTypes[k]!;
    flags[k] = type === weak || type === shortcut ? 0 : 1;
  }
  for (let k = firstEdge[root]! / edgeFieldCount, end = firstEdge[root + 1]! / edgeFieldCount; k < end; k += 1) {
    if (edgeTypes[k] === shortcut) flags[k] = 1;
  }
  // By name, where a rule needs it: 1 marks an ephemeron edge name, 2 the keep-during-job list.
  const isEssential = (_source: number, edge: number) => flags[edge / edgeFieldCount] !== 0;
  if (ephemeronTables.size === 0 && keepIndex === -1) return { flags, isEssential, ephemeronTable: () => -1 };
  const special = new Uint8Array(graph.strings.length);
  for (const index of ephemeronTables.keys()) special[index] = 1;
  if (keepIndex !== -1) special[keepIndex] = 2;
  /** Key edges (by edge ordinal) → their table's node id. */
  const keyEdges = new Map<number, number>();
  for (let o = 0; o < nodeCount; o += 1) {
    for (let k = firstEdge[o]! / edgeFieldCount, end = firstEdge[o + 1]! / edgeFieldCount; k < end; k += 1) {
      const mark = special[edgeNames[k]!];
      if (!mark) continue;
      const type = edgeTypes[k]!;
      if (type === element || type === hidden) continue; // a numeric index, not a name
      if (mark === 2) {
        flags[k] = 0;
      } else if (type === internal) {
        const table = ephemeronTables.get(edgeNames[k]!)!;
        if (table === graph.id(o)) {
          flags[k] = 0;
        } else if (flags[k] === 1) {
          flags[k] = 2;
          keyEdges.set(k, table);
        }
      }
    }
  }
  const tableOrdinals = ordinalsOf(graph, new Set(keyEdges.values()));
  return {
    flags,
    isEssential,
    ephemeronTable: (k) => tableOrdinals.get(keyEdges.get(k) ?? -1) ?? -1,
  };
}

/** Node id → ordinal for a few ids, in one pass. */
function ordinalsOf(graph: HeapGraph, ids: ReadonlySet<number>): Map<number, number> {
  const found = new Map<number, number>();
  if (ids.size === 0) return found;
  const { ids: all } = graph;
  for (let o = 0; o < all.length; o += 1) if (ids.has(all[o]!)) found.set(all[o]!, o);
  return found;
}
