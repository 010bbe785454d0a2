import { describe, expect, it } from 'vitest';
import { createAllocationSampler, type AllocationSampler } from '../src/core/allocation-sampler.js';
import { attribute } from '../src/core/attribution.js';
import { getGc, settleGc } from '../src/core/gc.js';
import { getHeapStatistics } from 'node:v8';
import { ROOT } from './support/projects.js';

/** Sampled live bytes newer than `mark`, as a scope's end reads them (this test file is the user's code). */
async function liveSince(sampler: AllocationSampler, mark: number): Promise<{ bytes: number }> {
  const attribution = attribute({ profile: await sampler.profile(), mark, boundaries: [], tests: 0 }, { root: ROOT, ownDir: `${ROOT}/dist` });
  return { bytes: attribution.total };
}

describe('createAllocationSampler (real V8 profiler)', () => {
  const gc = getGc();
  const settle = () => settleGc(gc, { probe: () => getHeapStatistics().used_heap_size });

  it('estimates what a scope kept alive and ignores what it dropped or what older code freed', async () => {
    let older: object[] | null = Array.from({ length: 100_000 }, (_, i) => ({ i, s: `old ${i}` }));
    const sampler = createAllocationSampler();
    await settle();
    const mark = await sampler.mark();
    expect(mark).not.toBeNull();

    older = null; // freed during the scope: must not offset what the scope keeps
    const kept = Array.from({ length: 60_000 }, (_, i) => ({ q: i, label: `quote ${i}`, list: [i, i + 1] }));
    let dropped: object[] | null = Array.from({ length: 200_000 }, (_, i) => ({ t: i }));
    dropped = null;
    await settle();
    const live = await liveSince(sampler, mark!);
    await sampler.release();

    // Measure what `kept` really holds by freeing it.
    const withKept = getHeapStatistics().used_heap_size;
    expect(kept.length + (older === null ? 0 : 1) + (dropped === null ? 0 : 1)).toBe(60_000);
    kept.length = 0;
    await settle();
    const trueBytes = withKept - getHeapStatistics().used_heap_size;
    expect(trueBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(live.bytes).toBeGreaterThan(trueBytes * 0.7);
    expect(live.bytes).toBeLessThan(trueBytes * 1.4);
  });

  it('nests scopes: an inner mark counts only what came after it', async () => {
    const sampler = createAllocationSampler();
    const outer = await sampler.mark();
    const first = Array.from({ length: 40_000 }, (_, i) => ({ a: i, b: `first ${i}` }));
    await settle();
    const inner = await sampler.mark();
    const second = Array.from({ length: 10_000 }, (_, i) => ({ a: i, b: `second ${i}` }));
    await settle();
    const innerLive = await liveSince(sampler, inner!);
    await sampler.release();
    const outerLive = await liveSince(sampler, outer!);
    await sampler.release();
    expect(first.length + second.length).toBe(50_000);
    expect(outerLive.bytes).toBeGreaterThan(innerLive.bytes * 2.5);
  });
});
