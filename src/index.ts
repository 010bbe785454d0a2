/**
 * heaplens: find which test suite leaked memory, what leaked, and what keeps it alive.
 *
 * This entry point is runner-agnostic: the marker API and the report types.
 * Runner integrations live in `heaplens/vitest` (and `heaplens/jest`).
 */
export { trackHeap } from './core/track.js';
export type { HeaplensOptions } from './core/options.js';
export type { Measurement } from './core/measure.js';
export type { WorkerIdentity } from './core/naming.js';
/** `diffSnapshots(before, after, { context })`: the project root and heaplens' folder, to tell whose code holds a culprit. */
export type { FrameContext } from './core/frames.js';
export type {
  Report,
  ReportScope,
  ReportFile,
  ReportVerdict,
  ReportCulprit,
  ReportSite,
  MemoryFigures,
} from './report/schema.js';
export { REPORT_SCHEMA_VERSION } from './report/schema.js';
export {
  parseSnapshot,
  diffSnapshots,
  inspectSnapshot,
  HeapSnapshotError,
  formatPath,
  type SnapshotSource,
  type SnapshotData,
  type SnapshotDiff,
  type SnapshotSummary,
  type ClassSummary,
  type Culprit,
  type HolderOwner,
  type ClassDelta,
  type DiffOptions,
  type ParseOptions,
} from './engine/index.js';
