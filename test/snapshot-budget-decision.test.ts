import { describe, expect, it } from 'vitest';
import { snapshotBudget } from '../src/core/snapshot-budget.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;
const roomy = { usedHeap: 100 * MB, heapLimit: 4 * GB, availableMemory: 8 * GB, maxHeap: null };

describe('snapshotBudget', () => {
  it('allows a snapshot when there is room', () => {
    expect(snapshotBudget(roomy)).toEqual({ ok: true });
  });

  it('skips above snapshotMaxHeap, allows at it', () => {
    expect(snapshotBudget({ ...roomy, maxHeap: 50 * MB })).toEqual({
      ok: false,
      reason: 'snapshot skipped: heap 100 MB is above snapshotMaxHeap 50.0 MB',
    });
    expect(snapshotBudget({ ...roomy, maxHeap: 100 * MB })).toEqual({ ok: true });
  });

  it('skips when the heap is above 85% of its limit', () => {
    expect(snapshotBudget({ ...roomy, usedHeap: 900 * MB, heapLimit: GB })).toEqual({
      ok: false,
      reason: 'snapshot skipped: heap 900 MB is within 15% of the heap limit 1.0 GB',
    });
  });

  it('allows a heap at exactly 85% of its limit', () => {
    expect(snapshotBudget({ ...roomy, usedHeap: 850 * MB, heapLimit: 1000 * MB, availableMemory: 8 * GB })).toEqual({ ok: true });
  });

  it('skips when available memory is short of usedHeap*3 + 64 MiB', () => {
    const needed = 100 * MB * 3 + 64 * MB;
    expect(snapshotBudget({ ...roomy, availableMemory: needed - 1 })).toEqual({
      ok: false,
      reason: 'snapshot skipped: writing it needs about 364 MB but only 364 MB is available',
    });
    expect(snapshotBudget({ ...roomy, availableMemory: 200 * MB })).toEqual({
      ok: false,
      reason: 'snapshot skipped: writing it needs about 364 MB but only 200 MB is available',
    });
  });

  it('allows a snapshot with exactly the needed memory', () => {
    expect(snapshotBudget({ ...roomy, availableMemory: 100 * MB * 3 + 64 * MB })).toEqual({ ok: true });
  });

  it('checks snapshotMaxHeap before the other limits', () => {
    const decision = snapshotBudget({ usedHeap: 900 * MB, heapLimit: GB, availableMemory: 0, maxHeap: MB });
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.reason).toContain('snapshotMaxHeap');
  });
});
