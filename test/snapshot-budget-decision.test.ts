import { describe, expect, it } from 'vitest';
import { ASSUMED_SNAPSHOT_RATE, snapshotBudget, snapshotTimeBudget } from '../src/core/snapshot-budget.js';

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

describe('snapshotTimeBudget', () => {
  it('allows a snapshot whose estimate is within the budget, and gives the estimate', () => {
    expect(snapshotTimeBudget({ usedHeap: 100 * MB, bytesPerSecond: 50 * MB, budgetSeconds: 120 })).toEqual({ ok: true, estimate: 2 });
    expect(snapshotTimeBudget({ usedHeap: 6 * GB, bytesPerSecond: 50 * MB, budgetSeconds: 122.88 }).ok).toBe(true);
  });

  it('skips one that would take longer, saying how long, at what rate, and what to change', () => {
    expect(snapshotTimeBudget({ usedHeap: 3 * GB, bytesPerSecond: 20 * MB, budgetSeconds: 60 })).toEqual({
      ok: false,
      reason:
        'snapshot skipped: a 3.0 GB heap would take about 154 s to write (at 20.0 MB/s), over snapshotTimeBudget 60 s; raise the budget or lower snapshotMaxHeap',
    });
  });

  it('assumes a rate that lets a first snapshot of a few GB through the default budget of 120 s', () => {
    expect(snapshotTimeBudget({ usedHeap: 4 * GB, bytesPerSecond: ASSUMED_SNAPSHOT_RATE, budgetSeconds: 120 }).ok).toBe(true);
    expect(snapshotTimeBudget({ usedHeap: 8 * GB, bytesPerSecond: ASSUMED_SNAPSHOT_RATE, budgetSeconds: 120 }).ok).toBe(false);
  });
});
