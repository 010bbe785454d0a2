import type { BigUint32Array } from './big-array.js';
import type { SnapshotMeta } from './meta.js';
import type { StringTable } from './strings.js';

/** A parsed snapshot: the heap as parallel typed arrays plus the string table. */
export interface SnapshotData {
  readonly meta: SnapshotMeta;
  /** node_count × node fields, in the order of `meta.node`. */
  readonly nodes: BigUint32Array;
  /** edge_count × edge fields; `to_node` is a node's index into `nodes`. */
  readonly edges: BigUint32Array;
  readonly strings: StringTable;
}

/** Nodes and strings without edges: enough to name what a later snapshot no longer has. */
export interface SnapshotNodes {
  readonly meta: SnapshotMeta;
  readonly nodes: BigUint32Array;
  readonly strings: StringTable;
}

/** The columns a HeapGraph is made of, read straight from the file. */
export interface GraphColumns {
  readonly meta: SnapshotMeta;
  readonly ids: Uint32Array;
  readonly types: Uint8Array;
  readonly names: Uint32Array;
  readonly selfSizes: Uint32Array;
  readonly edgeCounts: Uint32Array;
  readonly edgeTypes: Uint8Array;
  readonly edgeNames: Uint32Array;
  /** `to_node` as written: a node's index into the node records (ordinal × node field count). */
  readonly edgeTargets: Uint32Array;
  readonly strings: StringTable;
}

/** The node columns a diff needs of its before side, and the strings. */
export interface SnapshotColumns {
  readonly meta: SnapshotMeta;
  readonly ids: Uint32Array;
  readonly types: Uint32Array;
  readonly names: Uint32Array;
  readonly selfSizes: Uint32Array;
  readonly strings: StringTable;
}

/** Only the node ids of a snapshot, sorted ascending. */
export interface SnapshotIds {
  readonly meta: SnapshotMeta;
  readonly ids: Uint32Array;
  readonly maxId: number;
}

export interface LoaderOptions {
  /** Read only node ids and stop after the nodes array. */
  readonly idsOnly?: boolean;
  /**
   * Keep only the node columns a diff needs of its before side (id, type,
   * name, self size) and the strings; skip the edges. No node records are held.
   */
  readonly columns?: boolean;
  /**
   * Fill the columns a HeapGraph is made of (node id, type, name, self size,
   * edge count; edge type, name, target) and the strings, without holding
   * the records: about two thirds of their memory.
   */
  readonly graph?: boolean;
  /** Skip the edges array (the `before` side of a diff needs nodes and strings only). */
  readonly skipEdges?: boolean;
  /** Elements per typed-array chunk (tests force small chunks to exercise the split path). */
  readonly chunkLength?: number;
  /**
   * Total bytes the source will deliver, when known (a file's size). Only a
   * hint: the strings section's buffer is then sized once instead of grown.
   */
  readonly sourceBytes?: number;
}
