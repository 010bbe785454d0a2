/**
 * The snapshot engine: streaming parser, graph, dominators, diff, culprits.
 * It never imports a test runner.
 */
export { parseSnapshot, parseSnapshotNodes, readSnapshotIds, type ParseOptions, type SnapshotSource } from './parse.js';
export type { SnapshotData, SnapshotNodes, SnapshotIds } from './loader.js';
export { HeapSnapshotError } from './errors.js';
export { HeapGraph, NodeCursor, EdgeCursor } from './graph.js';
export { diffSnapshots, type SnapshotDiff, type DiffOptions } from './diff.js';
export { inspectSnapshot, type SnapshotSummary, type ClassSummary } from './summary.js';
export type { Culprit } from './culprits.js';
export type { HolderOwner } from './holders.js';
export type { ClassDelta } from './comparison.js';
export { formatPath } from './paths.js';
