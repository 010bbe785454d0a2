import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WritingMarker } from '../src/core/snapshot-writer.js';
import { progressLines, readWriting, SnapshotProgress } from '../src/report/snapshot-progress.js';

const MB = 1024 * 1024;
const marker = (startedAt: number, extra: Partial<WritingMarker> = {}): WritingMarker => ({
  file: 'snapshots/test_a.test.ts__suite__t0-p7__0badc0de__after.heapsnapshot',
  what: 'test/a.test.ts › suite (after)',
  worker: { threadId: 0, pid: 7, workerId: '1' },
  usedHeap: 300 * MB,
  startedAt,
  estimatedSeconds: 6,
  ...extra,
});

describe('progressLines', () => {
  it('says what is being written, by which worker, how far and for how long', () => {
    expect(progressLines([{ marker: marker(0), bytesSoFar: 120 * MB }], 14_000, 3, 120)).toEqual([
      'heaplens: writing a heap snapshot of test/a.test.ts › suite (after) (300 MB heap, t0 p7 w1): 120 MB written in 14 s, about 6 s expected',
    ]);
  });

  it('stays quiet about snapshots younger than minSeconds', () => {
    expect(progressLines([{ marker: marker(0), bytesSoFar: 0 }], 2_000, 3, 120)).toEqual([]);
  });

  it('says when a snapshot is over the time budget, and that the worker has to wait', () => {
    const [line] = progressLines([{ marker: marker(0), bytesSoFar: 2048 * MB }], 130_000, 30, 120);
    expect(line).toMatch(/2\.0 GB written in 130 s, about 6 s expected, over snapshotTimeBudget 120 s \(V8 cannot stop it: the worker waits\)$/);
  });
});

describe('SnapshotProgress', () => {
  let outDir: string;
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  it('reads the markers beside snapshots being written, with the bytes so far, and prints their lines', async () => {
    outDir = mkdtempSync(join(tmpdir(), 'heaplens-progress-'));
    mkdirSync(join(outDir, 'snapshots'));
    const m = marker(1_000);
    writeFileSync(join(outDir, `${m.file}.writing`), JSON.stringify(m));
    writeFileSync(join(outDir, m.file), Buffer.alloc(4096));
    // A half-written marker (JSON cut off) is skipped, not an error.
    writeFileSync(join(outDir, 'snapshots', 'other.heapsnapshot.writing'), '{"file":');
    expect(await readWriting(outDir)).toEqual([{ marker: m, bytesSoFar: 4096 }]);

    const printed: string[] = [];
    const progress = new SnapshotProgress(outDir, (line) => printed.push(line), { intervalMs: 60_000, minSeconds: 3 }, 120);
    await progress.tick(11_000);
    expect(printed).toEqual([expect.stringMatching(/^heaplens: writing a heap snapshot of test\/a\.test\.ts › suite \(after\) .*4\.0 KB written in 10 s/)]);
    rmSync(outDir, { recursive: true, force: true });
    await progress.tick(20_000);
    expect(printed).toHaveLength(1);
  });
});
