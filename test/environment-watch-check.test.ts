import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { GCProfiler } from 'node:v8';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentRecord } from '../src/core/environment-record.js';
import { CHECK_BATCH, createEnvironmentWatch, probeKey, UNREQUESTED_SNAPSHOTS_PER_WORKER, type EnvironmentKey } from '../src/core/environment-watch.js';
import { getGc } from '../src/core/gc.js';
import { environmentRecordName, environmentSnapshotName, type WorkerIdentity } from '../src/core/naming.js';
import { resolveOptions, type HeaplensOptions } from '../src/core/options.js';
import { explainProbe } from '../src/engine/object-path.js';

/** Where this file keeps "retained environments" alive: a name no other global property has. */
const HOLDER = '__heaplensWatchKept_3f9a';
const globals = globalThis as Record<string, unknown>;

const worker: WorkerIdentity = { threadId: 0, pid: process.pid, workerId: '1' };
const runner = { name: 'jest', version: '30' } as const;

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'heaplens-watch-'));
});

afterEach(() => {
  delete globals[HOLDER];
  rmSync(root, { recursive: true, force: true });
});

function watchWith(options: HeaplensOptions = {}, batch?: { files: number; idleMs: number }) {
  const resolved = resolveOptions(options, root);
  return { watch: createEnvironmentWatch({ options: resolved, runner, worker, batch }), outDir: resolved.outDir };
}

function readRecord(outDir: string, key: EnvironmentKey): EnvironmentRecord {
  return JSON.parse(readFileSync(join(outDir, 'environments', environmentRecordName(key.file, key.project)), 'utf8')) as EnvironmentRecord;
}

/** No GC per file: nothing is measured at setup or teardown (a retained environment's size comes from its snapshot). */
function expectUnmeasured(record: EnvironmentRecord) {
  expect(record.before).toBeNull();
  expect(record.after).toBeNull();
}

/** Major GCs during `task`, counted by V8's GC profiler. */
async function majorGcsDuring(task: () => Promise<unknown>): Promise<number> {
  const profiler = new GCProfiler();
  profiler.start();
  await task();
  return profiler.stop().statistics.filter((gc) => gc.gcType === 'MarkSweepCompact').length;
}

describe('createEnvironmentWatch', () => {
  it('records a dropped environment as released, measured before and after', async () => {
    const { watch, outDir } = watchWith();
    const key = { file: 'test/released.test.ts', project: '' };
    let environment: object | null = { name: 'released' };
    const watched = await watch.watch(key, environment);
    expect(readRecord(outDir, key).state).toBe('running');
    environment = null;
    watched.tornDown();
    await watch.idle();
    const record = readRecord(outDir, key);
    expect(record).toMatchObject({
      kind: 'heaplens-environment',
      version: 1,
      runner,
      file: 'test/released.test.ts',
      project: '',
      worker,
      state: 'released',
      snapshot: null,
      error: null,
    });
    expectUnmeasured(record);
    expect(existsSync(join(outDir, 'snapshots'))).toBe(false);
  });

  it('explains a kept environment with a snapshot whose probe leads to it', async () => {
    const { watch, outDir } = watchWith();
    const key = { file: 'test/kept.test.ts', project: 'p1' };
    // 1 MiB of doubles: what releasing the environment would free.
    const environment = { rows: Array.from({ length: 128 * 1024 }, (_, i) => i + 0.5) };
    globals[HOLDER] = environment;
    const watched = await watch.watch(key, environment);
    watched.tornDown();
    await watch.idle();

    const record = readRecord(outDir, key);
    const name = environmentSnapshotName(key.file, key.project, worker);
    expect(record.state).toBe('retained');
    expect(record.error).toBeNull();
    expect(record.snapshot).toEqual({ status: 'written', file: `snapshots/${name}`, probe: probeKey(key, worker) });
    expectUnmeasured(record);
    expect(readdirSync(join(outDir, 'snapshots'))).toEqual([name]);
    // The probe came off again once the snapshot was written.
    expect(Object.getOwnPropertyNames(environment)).toEqual(['rows']);

    const retention = await explainProbe(join(outDir, `snapshots/${name}`), probeKey(key, worker));
    expect(retention).toEqual({ status: 'retained', path: ['(GC roots)', 'global', HOLDER, 'Object'], className: 'Object', bytes: expect.any(Number) });
    const { bytes } = retention as { bytes: number };
    expect(bytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(bytes).toBeLessThan(1.2 * 1024 * 1024);
  });

  it(`without snapshots on, explains only the first ${UNREQUESTED_SNAPSHOTS_PER_WORKER} retained environments of a worker, once each`, async () => {
    expect(UNREQUESTED_SNAPSHOTS_PER_WORKER).toBe(5);
    const { watch, outDir } = watchWith({ snapshots: false });
    const kept: object[] = [];
    globals[HOLDER] = kept;
    const keys = Array.from({ length: 6 }, (_, i) => ({ file: `test/kept-${i}.test.ts`, project: '' }));
    for (const key of keys) {
      const environment = {};
      kept.push(environment);
      const watched = await watch.watch(key, environment);
      watched.tornDown();
      // A second call schedules nothing: a second check would use up one more of the five snapshots.
      if (key === keys[0]) watched.tornDown();
    }
    await watch.idle();

    const records = keys.map((key) => readRecord(outDir, key));
    expect(records.map((r) => r.state)).toEqual(Array(6).fill('retained'));
    expect(records.map((r) => r.snapshot?.status)).toEqual(['written', 'written', 'written', 'written', 'written', 'skipped']);
    expect(records[5]!.snapshot).toEqual({
      status: 'skipped',
      reason: 'not explained: without --heap-snapshots heaplens snapshots at most 5 retained environments per worker',
    });
    expect(readdirSync(join(outDir, 'snapshots')).sort()).toEqual(
      keys.slice(0, 5).map((key) => environmentSnapshotName(key.file, key.project, worker)).sort(),
    );
  });

  it('skips the snapshot when the heap is above snapshotMaxHeap, and says so', async () => {
    const { watch, outDir } = watchWith({ snapshotMaxHeap: 1 });
    const key = { file: 'test/budget.test.ts', project: '' };
    const environment = {};
    globals[HOLDER] = environment;
    (await watch.watch(key, environment)).tornDown();
    await watch.idle();

    const record = readRecord(outDir, key);
    expect(record.state).toBe('retained');
    expect(record.snapshot?.status).toBe('skipped');
    expect(record.snapshot).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/^snapshot skipped: heap \d+(\.\d)? MB is above snapshotMaxHeap 1 B$/),
    });
    expect(readdirSync(join(outDir, 'snapshots'))).toEqual([]);
    expect(Object.getOwnPropertyNames(environment)).toEqual([]);
  });

  it('checks torn-down environments together, once CHECK_BATCH are waiting, with no GC before', async () => {
    expect(CHECK_BATCH).toBe(8);
    // A long idle time, so that only the batch size starts the check; snapshots skipped (over snapshotMaxHeap).
    const { watch, outDir } = watchWith({ snapshotMaxHeap: 1 }, { files: CHECK_BATCH, idleMs: 60_000 });
    const kept: object[] = [];
    globals[HOLDER] = kept;
    const keys = Array.from({ length: CHECK_BATCH + 1 }, (_, i) => ({ file: `test/batch-${i}.test.ts`, project: '' }));
    const gcs = await majorGcsDuring(async () => {
      for (const key of keys.slice(0, CHECK_BATCH)) {
        const environment = {};
        kept.push(environment);
        (await watch.watch(key, environment)).tornDown();
      }
    });
    expect(gcs).toBe(0);
    expect(keys.slice(0, CHECK_BATCH).map((key) => readRecord(outDir, key).state)).toEqual(Array(CHECK_BATCH).fill('checking'));
    // The next file's setup runs the check of all eight first.
    await watch.watch(keys[CHECK_BATCH]!, {});
    expect(keys.slice(0, CHECK_BATCH).map((key) => readRecord(outDir, key).state)).toEqual(Array(CHECK_BATCH).fill('retained'));
    expect(readRecord(outDir, keys[CHECK_BATCH]!).state).toBe('running');
  });

  it('checks a batch of released environments with one full GC', async () => {
    const { watch, outDir } = watchWith({}, { files: CHECK_BATCH, idleMs: 60_000 });
    const keys = Array.from({ length: CHECK_BATCH }, (_, i) => ({ file: `test/gone-${i}.test.ts`, project: '' }));
    for (const key of keys) {
      let environment: object | null = { key };
      const watched = await watch.watch(key, environment);
      environment = null;
      watched.tornDown();
    }
    // A later job than the WeakRefs' (as a later file's setup is).
    await new Promise((resolve) => setImmediate(resolve));
    const gcs = await majorGcsDuring(() => watch.idle());
    expect(gcs).toBe(1);
    expect(keys.map((key) => readRecord(outDir, key).state)).toEqual(Array(CHECK_BATCH).fill('released'));
  });

  it('tells a released environment without a GC of its own when the runner already collected it', async () => {
    const { watch, outDir } = watchWith({}, { files: CHECK_BATCH, idleMs: 60_000 });
    const gc = getGc();
    const key = { file: 'test/collected.test.ts', project: '' };
    let environment: object | null = {};
    const watched = await watch.watch(key, environment);
    environment = null;
    watched.tornDown();
    // A GC of the runner's own (here, the test's), in a later job than the WeakRef's; V8 runs the
    // FinalizationRegistry callback that tells the watch as a task after it.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const gcs = await majorGcsDuring(() => watch.watch({ file: 'test/next.test.ts', project: '' }, {}));
    expect(gcs).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readRecord(outDir, key).state).toBe('released');
  });

  it('keeps no torn-down environment alive while the next file runs, so that the GCs of that file collect it', async () => {
    const { watch, outDir } = watchWith({}, { files: CHECK_BATCH, idleMs: 60_000 });
    const gc = getGc();
    let collected = false;
    const observer = new FinalizationRegistry(() => {
      collected = true;
    });
    const key = { file: 'test/previous.test.ts', project: '' };
    let environment: object | null = { rows: Array.from({ length: 10_000 }, (_, i) => ({ i })) };
    observer.register(environment, key.file);
    const watched = await watch.watch(key, environment);
    environment = null;
    watched.tornDown();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The next file's setup, then a GC while it runs (a tracked scope's reading), in the same job: Jest
    // runs a file of synchronous tests from setup to end without returning to the event loop. A watch
    // that looked at the waiting environment with deref() here would keep it alive through that GC.
    await watch.watch({ file: 'test/next.test.ts', project: '' }, {});
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(collected).toBe(true);
    // And the check that follows needs no GC of its own to tell it.
    const gcs = await majorGcsDuring(() => watch.idle());
    expect(gcs).toBe(0);
    expect(readRecord(outDir, key).state).toBe('released');
  });

  it('checks on its own once the worker is idle (its last file): no call needed', async () => {
    const { watch, outDir } = watchWith({}, { files: CHECK_BATCH, idleMs: 20 });
    const key = { file: 'test/last.test.ts', project: '' };
    let environment: object | null = {};
    const watched = await watch.watch(key, environment);
    environment = null;
    watched.tornDown();
    expect(readRecord(outDir, key).state).toBe('checking');
    for (let waited = 0; readRecord(outDir, key).state === 'checking' && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readRecord(outDir, key).state).toBe('released');
  });
});
