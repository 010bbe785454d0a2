import { HeapSnapshotError } from './errors.js';
import { GraphError, HeapGraph } from './graph.js';
import type { GraphColumns, SnapshotData } from './loader.js';
import type { ParseOptions, SnapshotSource } from './parse.js';

/** Builds the graph; a snapshot whose arrays do not form one is a HeapSnapshotError naming the file. */
export function toGraph(data: SnapshotData | GraphColumns, source: SnapshotSource, options: ParseOptions): HeapGraph {
  try {
    return new HeapGraph(data);
  } catch (error) {
    if (error instanceof GraphError) {
      throw new HeapSnapshotError(typeof source === 'string' ? source : options.name ?? '<stream>', error.message);
    }
    throw error;
  }
}
