import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { getGc, settleGc } from '../src/core/gc.js';

const used = () => getHeapStatistics().used_heap_size;

describe('getGc', () => {
  it('returns a working gc() without --expose-gc and leaves globalThis.gc as it was', () => {
    expect(process.execArgv).not.toContain('--expose-gc');
    const before = (globalThis as { gc?: unknown }).gc;
    const gc = getGc();
    expect(typeof gc).toBe('function');
    expect((globalThis as { gc?: unknown }).gc).toBe(before);
    let garbage: number[][] | null = Array.from({ length: 2_000 }, () => new Array(1_000).fill(1));
    const withGarbage = used();
    garbage = null;
    gc();
    expect(garbage).toBeNull();
    expect(withGarbage - used()).toBeGreaterThan(8 * 1024 * 1024);
  });
});

describe('settleGc', () => {
  it('frees memory released by a WeakRef target and by a FinalizationRegistry callback', async () => {
    const gc = getGc();
    let ref: WeakRef<object> | null = new WeakRef({ payload: new Array(500_000).fill(7) });
    // Held only until the registry's callback runs after the token object dies.
    const heldByCallback = new Set<number[]>([new Array(500_000).fill(8)]);
    const registry = new FinalizationRegistry(() => heldByCallback.clear());
    registry.register({}, 'token');
    await settleGc(gc, { probe: used });
    expect(ref.deref()).toBeUndefined();
    expect(heldByCallback.size).toBe(0);
    ref = null;
  });

  it('stops after minRounds when nothing more is freed, and never exceeds maxRounds', async () => {
    let calls = 0;
    const counting = () => {
      calls += 1;
    };
    await settleGc(counting, { probe: () => 1000, minRounds: 2 });
    expect(calls).toBe(2);
    calls = 0;
    let heap = 100 * 1024 * 1024;
    await settleGc(counting, { probe: () => (heap -= 1024 * 1024), maxRounds: 5 });
    expect(calls).toBe(5);
  });

  it('counts a GC that already ran (afterGc) as the first round', async () => {
    let calls = 0;
    const counting = () => {
      calls += 1;
    };
    // The heap stopped falling: one round more than the GC that ran, where a settle from scratch takes two.
    await settleGc(counting, { probe: () => 1000, afterGc: 1000 });
    expect(calls).toBe(1);
    calls = 0;
    // The round after it still freed memory: rounds go on until one frees too little.
    let heap = 10 * 1024 * 1024;
    await settleGc(counting, { probe: () => (heap = Math.max(8 * 1024 * 1024, heap - 1024 * 1024)), afterGc: 10 * 1024 * 1024 });
    expect(calls).toBe(3);
  });
});
