import { markerBytes, markerLength, SCOPE_MARKER_BASE_LENGTH, type Boundary, type BoundaryKind } from './marker-cuts.js';

/**
 * Allocates one boundary marker. The function's name is how the decoder
 * finds markers in the sampling profile (attribution.ts), so it must not be
 * renamed or minified. The array is 32 KiB: V8 samples an allocation with
 * probability 1 - e^(-size / 8 KiB), 98% for 32 KiB (measured: 1970 of
 * 2000), and its length says which marker it is.
 */
function heaplens_boundary_marker(length: number): unknown[] {
  return new Array<unknown>(length);
}

/** Allocates one scope marker (marker-cuts.ts, SCOPE_MARKER_FUNCTION): the same, 120 KiB. */
function heaplens_scope_marker(length: number): unknown[] {
  return new Array<unknown>(length);
}

/** Markers one scope aims to keep at most (32 KiB each): past it, every k-th test is marked. */
export const MAX_MARKERS = 384;
/** The cap when the runner's count of tests was missing or wrong (tests added at run time). */
const HARD_MAX_MARKERS = 2 * MAX_MARKERS;

/** What one scope saw of the boundaries: the markers (kept alive until its profile is read) and external memory at each. */
export class BoundaryLog {
  readonly boundaries: Boundary[] = [];
  /** External memory (ArrayBuffer backing stores are not sampled) at the start of each test. */
  readonly externalAtTest: number[] = [];
  private markers: unknown[][] = [];
  private testCount = 0;
  /** Every `stride`-th test is marked. */
  private readonly stride: number;
  /** Called once, when the first test's last boundary is recorded (the deferred baseline snapshot). */
  onFirstTestEnd: (() => void) | null = null;

  /**
   * `expectedTests`: how many tests the scope will run, when the runner says;
   * `perTest`: boundaries the runner marks per test. Together they space markers out past MAX_MARKERS.
   */
  constructor(expectedTests: number | null, perTest: number) {
    this.stride = expectedTests === null ? 1 : Math.max(1, Math.ceil((expectedTests * perTest) / MAX_MARKERS));
  }

  get tests(): number {
    return this.testCount;
  }

  /**
   * Records a boundary; `marker` allocates the worker-wide next marker
   * (shared with nested scopes); `external` is external memory now, read
   * once per boundary by the caller for every open scope.
   */
  add(
    kind: BoundaryKind,
    startsTest: boolean,
    marker: () => { index: number; array: unknown[] },
    external: number,
    freshMarker: () => { index: number; array: unknown[] } = marker,
  ): void {
    if (startsTest) {
      this.testCount += 1;
      this.externalAtTest.push(external);
    }
    const test = this.testCount - 1;
    if (kind === 'after' && test === 0 && this.onFirstTestEnd) {
      const firstTestEnded = this.onFirstTestEnd;
      this.onFirstTestEnd = null;
      firstTestEnded();
    }
    if (test < 0 || test % this.stride !== 0 || this.markers.length >= HARD_MAX_MARKERS) return;
    // The first test's start is marked twice: a later test whose start marker
    // the sampler missed is recovered from the previous test's end marker
    // (attribution.ts), the first one has none before it.
    // `marker` is shared by the open scopes at this boundary; the copy must be a marker of its own.
    const copies = startsTest && test === 0 ? [marker, freshMarker] : [marker];
    for (const next of copies) {
      const { index, array } = next();
      this.markers.push(array);
      this.boundaries.push({ marker: index, kind, test });
    }
  }

  /** Bytes this scope's markers keep alive (subtracted from its heap figures). */
  get markerBytes(): number {
    return this.boundaries.reduce((sum, b) => sum + markerBytes(b.marker), 0);
  }

  /**
   * Lets the markers and the boundary records go once the profile has been read: before the after
   * snapshot, where they were heaplens' own new objects (a scope of 619 tests on class-validator showed
   * its 621 boundary records as the first culprit). In place: the attribution input holds the array too.
   */
  release(): void {
    this.markers = [];
    this.boundaries.length = 0;
  }
}

export interface Marker {
  readonly index: number;
  readonly array: unknown[];
}

/** One worker's boundary marker sequence. */
export function createMarkerSource(): () => Marker {
  return markerSequence((index) => heaplens_boundary_marker(markerLength(index)));
}

/** One worker's scope marker sequence (SCOPE_MARKER_FUNCTION). */
export function createScopeMarkerSource(): () => Marker {
  return markerSequence((index) => heaplens_scope_marker(markerLength(index, SCOPE_MARKER_BASE_LENGTH)));
}

function markerSequence(allocate: (index: number) => unknown[]): () => Marker {
  let next = 0;
  return () => {
    const index = next;
    next += 1;
    return { index, array: allocate(index) };
  };
}
