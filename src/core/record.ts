import type { SampledBytes } from './allocation-sampler.js';
import type { Attribution } from './attribution.js';
import type { Measurement } from './measure.js';
import type { WorkerIdentity } from './naming.js';

/** Written by a worker for every tracked scope, first when it starts, again when it ends. */
export interface ScopeRecord {
  readonly kind: 'heaplens-scope';
  readonly version: 2;
  readonly runner: { readonly name: 'vitest' | 'jest'; readonly version: string };
  readonly file: string;
  readonly suite: string;
  readonly ordinal: number;
  readonly worker: WorkerIdentity;
  /** `running` until the scope's after-measurement is written: a crash leaves it so. */
  readonly state: 'running' | 'done';
  readonly before: Measurement | null;
  readonly after: Measurement | null;
  /**
   * How `after` was read: `first` (the one full GC of reading the sampling
   * profile, enough to clear a scope that kept too little to be flagged) or
   * `settled` (GC rounds until the heap stops falling, for every other scope
   * and where sampling is unavailable). Absent in records before 0.3.
   */
  readonly reading?: 'first' | 'settled';
  /**
   * `true`: the scope ended right before a tracked sibling, so it was read with that sibling, at the end of
   * their group (one profile, one full GC, for the group; core/scope-group.ts). Absent: read at its end.
   */
  readonly deferredRead?: true;
  /** Objects the scope allocated that were still alive at its end (allocation sampling), or null where unavailable. */
  readonly sampled: SampledBytes | null;
  /** Where the live sampled bytes were allocated, and in which test; null where sampling was unavailable. */
  readonly attribution: Attribution | null;
  /** Bytes of heaplens' boundary markers alive at the scope's end (not the suite's; subtracted from `after`). */
  readonly markerBytes: number;
  /** How many times each test ran (the repeat pass); 1, or absent, without it. */
  readonly runsPerTest?: number;
  readonly snapshots: SnapshotOutcome;
  /** Why measuring was impossible, when it was. */
  readonly error: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

/** Why a scope cleared by its first reading has no after snapshot (keepSnapshots 'flagged'). */
export const SKIPPED_CLEAN = "no after snapshot: the scope kept too little to be flagged (keepSnapshots 'all' writes every pair)";

/** What happened to a scope's snapshots; paths are relative to outDir. */
export type SnapshotOutcome =
  | { readonly status: 'off' }
  | {
      readonly status: 'written';
      readonly before: string;
      readonly after: string | null;
      /** Tests that had run when the before snapshot was taken: 0 (at the scope's start) or 1 (after the first test, so warm-up is left out). */
      readonly baselineAfterTests?: number;
    }
  | { readonly status: 'skipped'; readonly reason: string; readonly before: string | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Parses a record file's text; returns an explanation instead of throwing on bad data. */
export function parseRecord(text: string): ScopeRecord | { readonly invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { invalid: 'not valid JSON (a worker was killed while writing it?)' };
  }
  if (!isObject(value) || value.kind !== 'heaplens-scope') return { invalid: 'not a heaplens scope record' };
  if (value.version !== 2) return { invalid: `record version ${String(value.version)} is not supported` };
  if (typeof value.file !== 'string' || typeof value.suite !== 'string' || !isObject(value.worker)) {
    return { invalid: 'record is missing file, suite or worker' };
  }
  return value as unknown as ScopeRecord;
}
