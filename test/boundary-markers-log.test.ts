import { describe, expect, it } from 'vitest';
import { BoundaryLog, createMarkerSource, MAX_MARKERS } from '../src/core/boundary-markers.js';
import { markerBytes } from '../src/core/marker-cuts.js';

describe('BoundaryLog', () => {
  it('marks the first test\'s start twice (nothing before it to recover a missed marker from), later boundaries once', () => {
    const log = new BoundaryLog(3, 2);
    const next = createMarkerSource();
    // As the tracker calls it: one marker shared by the open scopes at a boundary, and fresh ones for copies.
    for (let test = 0; test < 3; test += 1) {
      for (const kind of ['test', 'after'] as const) {
        let shared: ReturnType<typeof next> | null = null;
        log.add(kind, kind === 'test', () => (shared ??= next()), 0, next);
      }
    }
    expect(log.tests).toBe(3);
    expect(log.boundaries.map((b) => [b.marker, b.kind, b.test])).toEqual([
      [0, 'test', 0],
      [1, 'test', 0],
      [2, 'after', 0],
      [3, 'test', 1],
      [4, 'after', 1],
      [5, 'test', 2],
      [6, 'after', 2],
    ]);
    expect(log.markerBytes).toBe([0, 1, 2, 3, 4, 5, 6].reduce((sum, m) => sum + markerBytes(m), 0));
  });

  it('marks every k-th test of a scope too large for MAX_MARKERS', () => {
    const tests = MAX_MARKERS * 2;
    const log = new BoundaryLog(tests, 2);
    const marker = createMarkerSource();
    for (let test = 0; test < tests; test += 1) {
      log.add('test', true, marker, 0);
      log.add('after', false, marker, 0);
    }
    expect(new Set(log.boundaries.map((b) => b.test % 4))).toEqual(new Set([0]));
    expect(log.boundaries.length).toBeLessThanOrEqual(MAX_MARKERS + 1);
  });

  it('lets go of its markers and boundary records on release, in the array the attribution input shares', () => {
    const log = new BoundaryLog(3, 2);
    const marker = createMarkerSource();
    log.add('test', true, marker, 0);
    log.add('after', false, marker, 0);
    const shared = log.boundaries;
    expect(shared.length).toBeGreaterThan(0);
    log.release();
    expect(shared).toEqual([]);
    expect(log.markerBytes).toBe(0);
  });
});
