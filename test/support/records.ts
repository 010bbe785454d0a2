import type { Measurement } from '../../src/core/measure.js';
import type { ScopeRecord } from '../../src/core/record.js';

export const MB = 1024 * 1024;

/** A settled measurement: used heap, external bytes, detached contexts. */
export function measurement(usedHeap: number, external = 0, detachedContexts = 0): Measurement {
  return { usedHeap, external, detachedContexts, heapLimit: 4096 * MB };
}

/** A finished scope record of 10 MB before and after, with `overrides` on top. */
export function scopeRecord(overrides: Partial<ScopeRecord> = {}): ScopeRecord {
  return {
    kind: 'heaplens-scope',
    version: 2,
    runner: { name: 'vitest', version: '4.1.12' },
    file: 'test/a.test.ts',
    suite: 'A',
    ordinal: 0,
    worker: { threadId: 1, pid: 10, workerId: null },
    state: 'done',
    before: measurement(10 * MB),
    after: measurement(10 * MB),
    sampled: null,
    attribution: null,
    markerBytes: 0,
    snapshots: { status: 'off' },
    error: null,
    startedAt: 0,
    endedAt: 1,
    ...overrides,
  };
}
