import { describe, expect, it } from 'vitest';
import { heapFigures, judge } from '../src/core/verdict.js';
import { MB, measurement, scopeRecord } from './support/records.js';

const m = measurement;
const record = scopeRecord;

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
    expect(j.reason).toBe('kept +2.0 MB alive after it ended (threshold 1.0 MB; no allocation sampling)');
    expect(j.heap).toEqual({ before: 10 * MB, after: 12 * MB, growth: 2 * MB });
  });

  it('counts external memory towards the growth', () => {
    expect(judge(record({ before: m(10 * MB, 0), after: m(10 * MB, 2 * MB) }), MB).verdict).toBe('leak');
  });

  it('is ok at exactly the threshold', () => {
    const j = judge(record({ before: m(10 * MB), after: m(11 * MB) }), MB);
    expect(j.verdict).toBe('ok');
    expect(j.reason).toBe('kept +1.0 MB alive, within the threshold (1.0 MB; no allocation sampling)');
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
    expect(j).toEqual({ verdict: 'inconclusive', reason: 'the scope was not measured at both ends', heap: null, retained: null });
  });
});

describe('judge with allocation sampling', () => {
  it('uses a third of the sampled bytes when other memory was freed during the scope', () => {
    // The heap fell by 4 MB (another file's memory was freed) while the scope's sampled allocations are 6 MB.
    const j = judge(record({ before: m(40 * MB), after: m(36 * MB), sampled: { bytes: 6 * MB, samples: 700 } }), MB);
    expect(j.verdict).toBe('leak');
    expect(j.retained).toEqual({ bytes: 2 * MB, method: 'allocation-sampling' });
    expect(j.heap?.growth).toBe(-4 * MB);
    expect(j.reason).toBe('kept at least +2.0 MB alive (allocation sampling; other memory was freed meanwhile) after it ended (threshold 1.0 MB; no allocation sampling)');
  });

  it('keeps the exact heap delta when sampling does not prove more (sampling can overstate up to ~3x)', () => {
    // A real case: 0.53 MB kept, sampled 1.37 MB because of elements-kind transitions.
    const j = judge(record({ before: m(10 * MB), after: m(10 * MB + 534_423), sampled: { bytes: 1_372_447, samples: 170 } }), MB);
    expect(j.retained).toEqual({ bytes: 534_423, method: 'heap-delta' });
    expect(j.verdict).toBe('ok');
    expect(j.reason).toBe('kept +522 KB alive, within the threshold (1.0 MB; no allocation sampling)');
  });

  it('adds external growth, which the sampler cannot see, to the sampled side', () => {
    const j = judge(record({ before: m(20 * MB, 0), after: m(12 * MB, 3 * MB), sampled: { bytes: 3 * MB, samples: 400 } }), MB);
    expect(j.retained).toEqual({ bytes: 4 * MB, method: 'allocation-sampling' });
    expect(j.verdict).toBe('leak');
  });

  it('counts a drop in external memory as zero on the sampled side', () => {
    const j = judge(record({ before: m(10 * MB, 8 * MB), after: m(10 * MB, 0), sampled: { bytes: 6 * MB, samples: 750 } }), MB);
    expect(j.retained).toEqual({ bytes: 2 * MB, method: 'allocation-sampling' });
  });
});

describe('judge with a trend, when other memory was freed during the scope', () => {
  // Recorded (Vitest 5, vmThreads): a cache of 6 entries of ~330 KB; the heap fell by 4.8 MB as the previous file's context was freed.
  const cache = [8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 330, 312, 262, 329, 339, 296].map((kb) => kb * 1024);
  const bytes = cache.reduce((a, b) => a + b, 0);
  const site = { site: 'test/bounded-cache.test.ts:9:57', fn: '(anonymous)', owner: 'user' as const, via: null, bytes, perTest: cache, byPhase: { beforeAll: 0, beforeEach: 0, test: bytes, afterEach: 0, afterAll: 0 } };
  const attribution = { tests: 20, observed: [...cache.keys()], sites: [site], rest: 0, total: bytes, samples: 250, frames: [{ ...site, callees: [] }], sourceMapped: true };
  const scope = record({ before: m(41 * MB), after: m(36 * MB), sampled: { bytes, samples: 250 }, attribution });

  it('takes the sampled bytes, not a third of them: a leak rests on growing sites, and this only tells bounded from ok', () => {
    const j = judge(scope, MB);
    expect(j.retained).toEqual({ bytes, method: 'allocation-sampling' });
    expect(j.verdict).toBe('bounded');
  });

  it('keeps the lower bound for a scope too small for a trend, where the threshold decides a leak', () => {
    const small = record({ ...scope, attribution: { ...attribution, tests: 2, observed: [0, 1] } });
    expect(judge(small, MB).retained).toEqual({ bytes: Math.round(bytes / 3), method: 'allocation-sampling' });
  });
});

describe('judge: sampling close to the heap delta', () => {
  it('keeps the heap delta when sampling is higher only by noise', () => {
    const j = judge(record({ before: m(10 * MB, 0), after: m(10 * MB, 10 * MB), sampled: { bytes: 300 * 1024, samples: 40 } }), MB);
    expect(j.retained).toEqual({ bytes: 10 * MB, method: 'heap-delta' });
  });
});

describe('judge a scope whose start was read without a GC', () => {
  // The start of a scope of 20 tests with the sampler: no GC, so the heap at its start counts the previous file's garbage.
  const cache = [8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 330, 312, 262, 329, 339, 296].map((kb) => kb * 1024);
  const bytes = cache.reduce((a, b) => a + b, 0);
  const site = { site: 'test/bounded-cache.test.ts:9:57', fn: '(anonymous)', owner: 'user' as const, via: null, bytes, perTest: cache, byPhase: { beforeAll: 0, beforeEach: 0, test: bytes, afterEach: 0, afterAll: 0 } };
  const attribution = { tests: 20, observed: [...cache.keys()], sites: [site], rest: 0, total: bytes, samples: 250, frames: [{ ...site, callees: [] }], sourceMapped: true };
  const unsettled = { ...m(30 * MB, 2 * MB), settled: false as const };

  it('shows no heap delta and rests on the sampled bytes plus external growth', () => {
    const j = judge(record({ before: unsettled, after: m(25 * MB, 3 * MB), sampled: { bytes, samples: 250 }, attribution }), MB);
    expect(heapFigures(record({ before: unsettled, after: m(25 * MB, 3 * MB) }))).toBeNull();
    expect(j.heap).toBeNull();
    expect(j.retained).toEqual({ bytes: bytes + MB, method: 'allocation-sampling' });
    expect(j.verdict).toBe('bounded');
  });

  it('takes a third of the sampled bytes when there is no trend, as the lower bound the threshold needs', () => {
    const small = record({ before: unsettled, after: m(25 * MB, 2 * MB), sampled: { bytes, samples: 250 }, attribution: { ...attribution, tests: 2, observed: [0, 1] } });
    expect(judge(small, MB).retained).toEqual({ bytes: Math.round(bytes / 3), method: 'allocation-sampling' });
  });

  it('is inconclusive without the sampled bytes (nothing else can tell what it kept)', () => {
    expect(judge(record({ before: unsettled, after: m(25 * MB) }), MB)).toMatchObject({ verdict: 'inconclusive', reason: 'the scope was not measured at both ends' });
  });
});
