import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentRecord } from '../src/core/environment-record.js';
import { createEnvironmentWatch, probeKey, UNREQUESTED_SNAPSHOTS_PER_WORKER, type EnvironmentKey } from '../src/core/environment-watch.js';
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

function watchWith(options: HeaplensOptions = {}) {
  const resolved = resolveOptions(options, root);
  return { watch: createEnvironmentWatch({ options: resolved, runner, worker }), outDir: resolved.outDir };
}

function readRecord(outDir: string, key: EnvironmentKey): EnvironmentRecord {
  return JSON.parse(readFileSync(join(outDir, 'environments', environmentRecordName(key.file, key.project)), 'utf8')) as EnvironmentRecord;
}

function expectMeasured(record: EnvironmentRecord) {
  for (const m of [record.before, record.after]) {
    expect(m).not.toBeNull();
    expect(m!.usedHeap).toBeGreaterThan(0);
    expect(m!.heapLimit).toBeGreaterThan(m!.usedHeap);
    expect(Number.isInteger(m!.external)).toBe(true);
    expect(Number.isInteger(m!.detachedContexts)).toBe(true);
  }
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
    expectMeasured(record);
    expect(existsSync(join(outDir, 'snapshots'))).toBe(false);
  });

  it('explains a kept environment with a snapshot whose probe leads to it', async () => {
    const { watch, outDir } = watchWith();
    const key = { file: 'test/kept.test.ts', project: 'p1' };
    const environment = {};
    globals[HOLDER] = environment;
    const watched = await watch.watch(key, environment);
    watched.tornDown();
    await watch.idle();

    const record = readRecord(outDir, key);
    const name = environmentSnapshotName(key.file, key.project, worker);
    expect(record.state).toBe('retained');
    expect(record.error).toBeNull();
    expect(record.snapshot).toEqual({ status: 'written', file: `snapshots/${name}`, probe: probeKey(key, worker) });
    expectMeasured(record);
    expect(readdirSync(join(outDir, 'snapshots'))).toEqual([name]);
    // The probe came off again once the snapshot was written.
    expect(Object.getOwnPropertyNames(environment)).toEqual([]);

    const retention = await explainProbe(join(outDir, `snapshots/${name}`), probeKey(key, worker));
    expect(retention).toEqual({ status: 'retained', path: ['(GC roots)', 'global', HOLDER, 'Object'], className: 'Object' });
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
});
