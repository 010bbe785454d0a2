/**
 * Test boundaries from the allocation sampler's samples. Pure.
 *
 * heaplens allocates a marker array at each test and hook boundary (see
 * boundary-markers.ts), large enough that the sampler takes it with near
 * certainty. Its sample's ordinal is where the boundary falls in allocation
 * order; its length encodes which boundary it is, so a marker the sampler
 * missed only merges two neighbouring segments.
 */

export const MARKER_FUNCTION = 'heaplens_boundary_marker';
/**
 * Marker arrays have MARKER_BASE_LENGTH + MARKER_STEP * (boundary number mod
 * MARKER_RESIDUES) elements. The size V8 reports for the sample is 8 bytes
 * per element plus 0 to 64 bytes, depending on how the array was allocated:
 * its elements alone, with their 16-byte header, folded together with the
 * 32-byte array object, and with a 16-byte allocation memento behind it (all
 * seen). A step of 16 elements (128 bytes) keeps neighbouring markers apart.
 */
export const MARKER_BASE_LENGTH = 4096;
export const MARKER_STEP = 16;
export const MARKER_RESIDUES = 61;
/** Bytes a marker's sample can report beyond 8 per element (headers, array object, allocation memento). */
const MAX_MARKER_OVERHEAD = 64;

export type BoundaryKind = 'beforeEach' | 'test' | 'afterEach' | 'after';

/** One marked boundary: from here on, allocations belong to `kind` of test number `test`. */
export interface Boundary {
  /** The marker's number in this worker's sequence. */
  readonly marker: number;
  readonly kind: BoundaryKind;
  /** Index of the test in the scope, in run order. */
  readonly test: number;
}

/** The marker number a sampled marker's size stands for, modulo MARKER_RESIDUES; null if it is not a marker array. */
export function markerResidue(size: number): number | null {
  const past = size - 8 * MARKER_BASE_LENGTH;
  const step = 8 * MARKER_STEP;
  const offset = ((past % step) + step) % step;
  if (offset % 16 !== 0 || offset > MAX_MARKER_OVERHEAD) return null;
  const residue = (past - offset) / step;
  return Number.isInteger(residue) && residue >= 0 && residue < MARKER_RESIDUES ? residue : null;
}

/** Elements of marker number `marker`. */
export function markerLength(marker: number): number {
  return MARKER_BASE_LENGTH + MARKER_STEP * (marker % MARKER_RESIDUES);
}

/** Bytes one marker keeps alive: its JSArray (32) and the FixedArray of its elements (16 + 8 per element). */
export function markerBytes(marker: number): number {
  return 32 + 16 + 8 * markerLength(marker);
}

/** Markers the sampler may miss in a row (each with probability 0.015) before decoding loses its place. */
const MAX_MISSED_IN_A_ROW = 3;

export interface Cut {
  readonly ordinal: number;
  readonly boundary: Boundary;
}

/**
 * Matches sampled markers (in ordinal order) to the scope's boundaries: each
 * takes the next boundary whose number has its residue. A marker the sampler
 * missed is skipped over; its segment merges into the one before.
 */
export function decodeCuts(markers: ReadonlyArray<{ ordinal: number; residue: number }>, boundaries: readonly Boundary[]): Cut[] {
  const cuts: Cut[] = [];
  let next = 0;
  for (const marker of [...markers].sort((a, b) => a.ordinal - b.ordinal)) {
    // Look a few boundaries ahead only: the sampler misses 2% of markers, so several in a row never go
    // missing, while an allocation of heaplens' that merely has a marker's size must not skip us ahead.
    const end = Math.min(boundaries.length, next + MAX_MISSED_IN_A_ROW + 1);
    let i = next;
    while (i < end && boundaries[i]!.marker % MARKER_RESIDUES !== marker.residue) i += 1;
    if (i >= end) continue;
    cuts.push({ ordinal: marker.ordinal, boundary: boundaries[i]! });
    next = i + 1;
  }
  return withRecoveredStarts(cuts, boundaries);
}

/**
 * A test's start marker the sampler missed (1.5% of them) is recovered from
 * the previous test's end marker when that one was sampled: nothing of the
 * user's runs between the two, so the test's segment starts there. Without
 * this, one scope in a few hundred lost three of twenty tests to sampling
 * (two misses in a row per test are 0.02% instead of 1.5%).
 */
function withRecoveredStarts(cuts: readonly Cut[], boundaries: readonly Boundary[]): Cut[] {
  const firstOfTest = new Map<number, Boundary>();
  for (const b of boundaries) if (!firstOfTest.has(b.test)) firstOfTest.set(b.test, b);
  const sampled = new Set(cuts.map((c) => `${c.boundary.test}:${c.boundary.kind}`));
  const out: Cut[] = [];
  for (const cut of cuts) {
    out.push(cut);
    if (cut.boundary.kind !== 'after') continue;
    const start = firstOfTest.get(cut.boundary.test + 1);
    if (start && start.kind !== 'after' && !sampled.has(`${start.test}:${start.kind}`)) out.push({ ordinal: cut.ordinal, boundary: start });
  }
  return out;
}

/** The cut a sample falls after (largest cut ordinal below it), by binary search. */
export function cutBefore(cuts: readonly Cut[], ordinal: number): Cut | undefined {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]!.ordinal < ordinal) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : cuts[lo - 1];
}
