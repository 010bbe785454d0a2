import type { HeapGraph } from './graph.js';

/**
 * Which edges keep their target alive, by DevTools' rules
 * (HeapSnapshot.ts `isEssentialEdge` and the WeakMap ephemeron handling):
 * - weak edges never do;
 * - shortcut edges only from the root (they mark the user's global objects);
 * - of the two edges V8 emits for a WeakMap entry, named
 *   "N / part of key (K @k) -> value (V @v) pair in WeakMap (table @t)",
 *   only the one from the key does: the table does not keep a value alive;
 * - V8's `weak_refs_keep_during_job` list holds WeakRef targets only until
 *   the current job ends: not a real retainer either.
 */
export interface EssentialEdges {
  /** `edge` is an index into the edges array; `source` the ordinal of its owner. */
  isEssential(source: number, edge: number): boolean;
}

const TABLE = Buffer.from('pair in WeakMap (table @');
const KEEP_DURING_JOB = 'weak_refs_keep_during_job';

export function essentialEdges(graph: HeapGraph): EssentialEdges {
  const { weak, shortcut, internal } = graph.meta.edgeType;
  const typeOffset = graph.meta.edge.type;
  const nameOffset = graph.meta.edge.nameOrIndex;
  const edges = graph.edges;
  // string index -> the WeakMap table's node id, for the ephemeron edge names.
  const ephemeronTables = new Map<number, number>();
  for (const index of graph.strings.indexesContaining(TABLE)) {
    const match = /pair in WeakMap \(table @(\d+)\)$/.exec(graph.strings.get(index));
    if (match) ephemeronTables.set(index, Number(match[1]));
  }
  const root = graph.rootOrdinal;
  const keepDuringJob = graph.strings.indexesContaining(Buffer.from(KEEP_DURING_JOB)).filter((i) => graph.strings.get(i) === KEEP_DURING_JOB);
  const keepIndex = keepDuringJob[0] ?? -1;
  return {
    isEssential(source, edge) {
      const type = edges.get(edge + typeOffset);
      if (type === weak) return false;
      if (type === shortcut) return source === root;
      if (keepIndex !== -1 && type !== graph.meta.edgeType.element && type !== graph.meta.edgeType.hidden && edges.get(edge + nameOffset) === keepIndex) {
        return false;
      }
      if (type === internal && ephemeronTables.size > 0) {
        const table = ephemeronTables.get(edges.get(edge + nameOffset));
        if (table !== undefined && graph.id(source) === table) return false;
      }
      return true;
    },
  };
}
