import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../src/core/measure.js';
import type { ScopeRecord } from '../../src/core/record.js';
import { heapFigures, judge } from '../../src/core/verdict.js';

const MB = 1024 * 1024;

function m(usedHeap: number, external = 0): Measurement {
  return { usedHeap, external, detachedContexts: 0, heapLimit: 4096 * MB };
}

function record(overrides: Partial<ScopeRecord>): ScopeRecord {
  return {
    kind: 'heaplens-scope',
    version: 1,
    runner: { name: 'vitest', version: '4.1.12' },
    file: 'test/a.test.ts',
    suite: 'A',
    ordinal: 0,
    worker: { threadId: 1, pid: 10, workerId: null },
    state: 'done',
    before: m(10 * MB),
    after: m(10 * MB),
    snapshots: { status: 'off' },
    error: null,
    startedAt: 0,
    endedAt: 1,
    ...overrides,
  };
}

describe('heapFigures', () => {
  it('sums usedHeap and external at both ends', () => {
    expect(heapFigures(record({ before: m(100, 20), after: m(150, 70) }))).toEqual({ before: 120, after: 220, growth: 100 });
  });

  it('is null when either end is missing', () => {
    expect(heapFigures(record({ after: null }))).toBeNull();
    expect(heapFigures(record({ before: null }))).toBeNull();
  });
});

describe('judge', () => {
  it('flags growth above the threshold as a leak', () => {
    const j = judge(record({ before: m(10 * MB), after: m(12 * MB) }), MB);
    expect(j.verdict).toBe('leak');
    expect(j.reason).toBe('retained +2.0 MB after the scope ended (threshold 1.0 MB)');
    expect(j.heap).toEqual({ before: 10 * MB, after: 12 * MB, growth: 2 * MB });
  });

  it('counts external memory towards the growth', () => {
    expect(judge(record({ before: m(10 * MB, 0), after: m(10 * MB, 2 * MB) }), MB).verdict).toBe('leak');
  });

  it('is ok at exactly the threshold', () => {
    const j = judge(record({ before: m(10 * MB), after: m(11 * MB) }), MB);
    expect(j.verdict).toBe('ok');
    expect(j.reason).toBe('growth +1.0 MB is within the threshold (1.0 MB)');
  });

  it('is a leak one byte above the threshold', () => {
    expect(judge(record({ before: m(10 * MB), after: m(11 * MB + 1) }), MB).verdict).toBe('leak');
  });

  it('is ok when memory shrank', () => {
    expect(judge(record({ before: m(12 * MB), after: m(10 * MB) }), MB).verdict).toBe('ok');
  });

  it('is inconclusive while the scope is still running', () => {
    const j = judge(record({ state: 'running', before: m(10 * MB), after: m(50 * MB) }), MB);
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toContain('the worker stopped before the scope finished');
  });

  it('is inconclusive with the error as reason', () => {
    const j = judge(record({ error: 'gc() is not exposed', after: m(50 * MB) }), MB);
    expect(j).toMatchObject({ verdict: 'inconclusive', reason: 'gc() is not exposed' });
  });

  it('is inconclusive when the after measurement is missing', () => {
    const j = judge(record({ after: null }), MB);
    expect(j).toEqual({ verdict: 'inconclusive', reason: 'the scope was not measured at both ends', heap: null });
  });
});
