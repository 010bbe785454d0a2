import type { Measurement } from './measure.js';
import type { WorkerIdentity } from './naming.js';

/**
 * Written by a worker for every test file whose environment heaplens wraps:
 * `running` while the file runs, `checking` once its environment is torn down,
 * then `released` (its global object was collected) or `retained` (it was
 * still alive after a settled GC, once the runner had let go of it).
 */
export interface EnvironmentRecord {
  readonly kind: 'heaplens-environment';
  readonly version: 1;
  readonly runner: { readonly name: 'vitest' | 'jest'; readonly version: string };
  readonly file: string;
  /** The runner's project the file ran in (Jest's config id), '' when there is one. */
  readonly project: string;
  readonly worker: WorkerIdentity;
  readonly state: 'running' | 'checking' | 'released' | 'retained';
  /**
   * Null since heaplens 0.3: environments are checked in batches with no GC
   * per file, and a retained environment's size comes from its snapshot.
   * (Before: the heap at setup and right after teardown.)
   */
  readonly before: Measurement | null;
  readonly after: Measurement | null;
  readonly snapshot: EnvironmentSnapshot | null;
  /** Why the check could not be done, when it could not. */
  readonly error: string | null;
}

/** The snapshot that explains a retained environment; `file` is relative to outDir. */
export type EnvironmentSnapshot =
  | { readonly status: 'writing'; readonly file: string; readonly probe: string }
  | { readonly status: 'written'; readonly file: string; readonly probe: string }
  | { readonly status: 'skipped'; readonly reason: string };

export const FINAL_STATES: ReadonlySet<EnvironmentRecord['state']> = new Set(['released', 'retained']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Parses an environment record's text; returns an explanation instead of throwing on bad data. */
export function parseEnvironmentRecord(text: string): EnvironmentRecord | { readonly invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { invalid: 'not valid JSON (a worker was killed while writing it?)' };
  }
  if (!isObject(value) || value.kind !== 'heaplens-environment') return { invalid: 'not a heaplens environment record' };
  if (value.version !== 1) return { invalid: `record version ${String(value.version)} is not supported` };
  if (typeof value.file !== 'string' || typeof value.state !== 'string' || !isObject(value.worker)) {
    return { invalid: 'record is missing file, state or worker' };
  }
  return value as unknown as EnvironmentRecord;
}
