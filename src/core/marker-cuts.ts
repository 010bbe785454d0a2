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

/** The marker number a sampled marker's size stands for, modulo MARKER_RESIDUES; null if it is not a marker array of that base length. */
export function markerResidue(size: number, base: number = MARKER_BASE_LENGTH): number | null {
  const past = size - 8 * base;
  const step = 8 * MARKER_STEP;
  const offset = ((past % step) + step) % step;
  if (offset % 16 !== 0 || offset > MAX_MARKER_OVERHEAD) return null;
  const residue = (past - offset) / step;
  return Number.isInteger(residue) && residue >= 0 && residue < MARKER_RESIDUES ? residue : null;
}

/** Elements of marker number `marker` (boundary markers; scope markers with SCOPE_MARKER_BASE_LENGTH). */
export function markerLength(marker: number, base: number = MARKER_BASE_LENGTH): number {
  return base + MARKER_STEP * (marker % MARKER_RESIDUES);
}

/** Bytes one marker keeps alive: its JSArray (32) and the FixedArray of its elements (16 + 8 per element). */
export function markerBytes(marker: number, base: number = MARKER_BASE_LENGTH): number {
  return 32 + 16 + 8 * markerLength(marker, base);
}

/**
 * Scope markers: one at the end of a scope whose reading is deferred to the end of its group of
 * sibling scopes (scope-tracker.ts), so that one profile read tells every scope of the group apart:
 * its end marker's ordinal is where it ends and where the next sibling starts. 120 KiB, so the sampler
 * takes it with probability 1 - e^(-15) (a boundary marker's 1.5% misses would merge two scopes).
 * Numbered like boundary markers, in a sequence of their own.
 */
export const SCOPE_MARKER_FUNCTION = 'heaplens_scope_marker';
export const SCOPE_MARKER_BASE_LENGTH = 15_360;

/** Markers the sampler may miss in a row (each with probability 0.015) before decoding loses its place. */
const MAX_MISSED_IN_A_ROW = 3;

export interface Cut {
  readonly ordinal: number;
  readonly boundary: Boundary;
}

/**
 * Matches sampled markers (in ordinal order) to the marker numbers expected, in their order: each
 * takes the next expected number with its residue. A marker the sampler missed is skipped over.
 * Returns, for each match, the position in `expected` and the marker's ordinal.
 */
export function matchMarkers(
  markers: ReadonlyArray<{ ordinal: number; residue: number }>,
  expected: readonly number[],
): Array<{ position: number; ordinal: number }> {
  const matched: Array<{ position: number; ordinal: number }> = [];
  let next = 0;
  for (const marker of [...markers].sort((a, b) => a.ordinal - b.ordinal)) {
    // Look a few markers ahead only: the sampler misses 2% of boundary markers, so several in a row never
    // go missing, while an allocation of heaplens' that merely has a marker's size must not skip us ahead.
    const end = Math.min(expected.length, next + MAX_MISSED_IN_A_ROW + 1);
    let i = next;
    while (i < end && expected[i]! % MARKER_RESIDUES !== marker.residue) i += 1;
    if (i >= end) continue;
    matched.push({ position: i, ordinal: marker.ordinal });
    next = i + 1;
  }
  return matched;
}

/**
 * Matches sampled markers to the scope's boundaries (matchMarkers). A marker the sampler missed only
 * merges its segment into the one before.
 */
export function decodeCuts(markers: ReadonlyArray<{ ordinal: number; residue: number }>, boundaries: readonly Boundary[]): Cut[] {
  const matched = matchMarkers(markers, boundaries.map((b) => b.marker));
  const cuts = matched.map(({ position, ordinal }) => ({ ordinal, boundary: boundaries[position]! }));
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
