import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMeasurement } from '../src/core/measure.js';
import { resolveOptions } from '../src/core/options.js';
import { ASSUMED_SNAPSHOT_RATE } from '../src/core/snapshot-budget.js';
import { createSnapshotWriter } from '../src/core/snapshot-writer.js';
import { head } from './support/files.js';

const worker = { threadId: 0, pid: process.pid, workerId: null };
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'heaplens-writer-'));
  mkdirSync(join(root, '.heaplens', 'snapshots'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('createSnapshotWriter', () => {
  it('writes a whole snapshot and leaves no .writing marker behind', () => {
    const writer = createSnapshotWriter(resolveOptions({}, root), worker);
    expect(writer.write('a.heapsnapshot', 'test/a.test.ts › A (after)', readMeasurement())).toEqual({ file: 'snapshots/a.heapsnapshot' });
    expect(readdirSync(join(root, '.heaplens', 'snapshots'))).toEqual(['a.heapsnapshot']);
    expect(head(join(root, '.heaplens', 'snapshots', 'a.heapsnapshot'))).toMatch(/^\{"snapshot":\{"meta":/);
  });

  it('skips a snapshot estimated to take longer than snapshotTimeBudget, and says why', () => {
    // 1 ms of budget: no heap is written that fast at the assumed rate.
    const writer = createSnapshotWriter(resolveOptions({ snapshotTimeBudget: 0.001 }, root), worker);
    const written = writer.write('b.heapsnapshot', 'test/b.test.ts › B (before)', readMeasurement());
    expect(written).toEqual({ skipped: expect.stringMatching(/^snapshot skipped: a [\d.]+ MB heap would take about \d+ s to write \(at 50\.0 MB\/s\), over snapshotTimeBudget 0\.001 s/) });
    expect(existsSync(join(root, '.heaplens', 'snapshots', 'b.heapsnapshot'))).toBe(false);
  });

  it("estimates from the rate of the worker's own last snapshot", () => {
    const writer = createSnapshotWriter(resolveOptions({}, root), worker);
    expect(writer.bytesPerSecond).toBe(ASSUMED_SNAPSHOT_RATE);
    const m = readMeasurement();
    const started = performance.now();
    expect(writer.write('c.heapsnapshot', 'c', m)).toEqual({ file: 'snapshots/c.heapsnapshot' });
    const seconds = (performance.now() - started) / 1000;
    // The rate of that write (line ends cached first, so a little faster than the wall time says).
    expect(writer.bytesPerSecond).not.toBe(ASSUMED_SNAPSHOT_RATE);
    expect(writer.bytesPerSecond).toBeGreaterThanOrEqual(m.usedHeap / seconds);
  });
});
