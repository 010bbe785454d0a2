import { mkdir } from 'node:fs/promises';
import { freemem } from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
import type { EnvironmentRecord, EnvironmentSnapshot } from './environment-record.js';
import { getGc, settleGc } from './gc.js';
import { createLineEndsCache } from './line-ends.js';
import { readMeasurement, type Measurement } from './measure.js';
import { environmentRecordName, environmentSnapshotName, shortHash, type WorkerIdentity } from './naming.js';
import type { ResolvedOptions } from './options.js';
import { ENVIRONMENTS_DIR, joinInside, SNAPSHOTS_DIR } from './paths.js';
import { availableMemory, snapshotBudget } from './snapshot-budget.js';

/** Without `snapshots` on, at most this many retained environments per worker get a snapshot (each is heap-sized). */
export const UNREQUESTED_SNAPSHOTS_PER_WORKER = 5;
/** A retained environment is looked at again after this long, in case the runner was still letting go of it. */
const CONFIRM_DELAY_MS = 200;

export interface EnvironmentWatchConfig {
  readonly options: ResolvedOptions;
  readonly runner: EnvironmentRecord['runner'];
  readonly worker: WorkerIdentity;
}

export interface EnvironmentKey {
  /** Project-relative test file path with `/` separators. */
  readonly file: string;
  /** The runner's project id ('' when there is one project). */
  readonly project: string;
}

export interface WatchedEnvironment {
  /**
   * Call once the environment is torn down. The check itself waits for a
   * later task: until the runner has handed the file's result back, the
   * runner's own frames (and a failing test's errors) still hold the
   * environment, which is how `--detectLeaks` gets its false positives.
   */
  tornDown(): void;
}

export interface EnvironmentWatch {
  /**
   * Call when a test file's environment is set up. Waits for the previous
   * file's check in this worker, measures the settled heap, and holds
   * `global` weakly only.
   */
  watch(key: EnvironmentKey, global: object): Promise<WatchedEnvironment>;
  /** Resolves when every scheduled check of this worker has finished. */
  idle(): Promise<void>;
}

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The property name put on a retained global just for its snapshot, so the analysis can find that object. */
export function probeKey(key: EnvironmentKey, worker: WorkerIdentity): string {
  return `__heaplens_environment_probe_${shortHash(key.file, key.project, String(worker.pid), String(worker.threadId))}`;
}

/**
 * Finds out, in the worker, whether test files' environments outlive them:
 * the question `--detectLeaks` answers, asked after a settled GC and only
 * once the runner has let go. A file that cleans up costs six full GCs (two
 * at setup and two at teardown to read what it leaves behind, two for the
 * check); a snapshot (to explain what holds the environment) is written only
 * for an environment that is still alive.
 */
export function createEnvironmentWatch(config: EnvironmentWatchConfig): EnvironmentWatch {
  const { options, runner, worker } = config;
  const gc = getGc();
  const environmentsDir = joinInside(options.outDir, ENVIRONMENTS_DIR);
  const snapshotsDir = joinInside(options.outDir, SNAPSHOTS_DIR);
  let pending: Promise<void> = Promise.resolve();
  let unrequestedSnapshots = 0;
  /** Before each snapshot (see line-ends.ts): a session of the watch's own, kept open. */
  const cacheLineEnds = createLineEndsCache();

  async function settledMeasurement(): Promise<Measurement> {
    await settleGc(gc, { probe: () => readMeasurement().usedHeap });
    return readMeasurement();
  }

  /** Writes a snapshot of this isolate with the probe property on the environment's global. */
  function snapshot(ref: WeakRef<object>, key: EnvironmentKey, after: Measurement): EnvironmentSnapshot {
    if (!options.snapshots && unrequestedSnapshots >= UNREQUESTED_SNAPSHOTS_PER_WORKER) {
      return {
        status: 'skipped',
        reason: `not explained: without --heap-snapshots heaplens snapshots at most ${UNREQUESTED_SNAPSHOTS_PER_WORKER} retained environments per worker`,
      };
    }
    const budget = snapshotBudget({
      usedHeap: after.usedHeap,
      heapLimit: after.heapLimit,
      availableMemory: availableMemory(freemem),
      maxHeap: options.snapshotMaxHeap,
    });
    if (!budget.ok) return { status: 'skipped', reason: budget.reason };
    const name = environmentSnapshotName(key.file, key.project, worker);
    const probe = probeKey(key, worker);
    if (!setProbe(ref, probe, true)) return { status: 'skipped', reason: 'the environment was collected just before its snapshot' };
    try {
      cacheLineEnds();
      writeHeapSnapshot(joinInside(snapshotsDir, name));
    } catch (error) {
      return { status: 'skipped', reason: `writing ${name} failed: ${(error as Error).message}` };
    } finally {
      setProbe(ref, probe, false);
    }
    if (!options.snapshots) unrequestedSnapshots += 1;
    return { status: 'written', file: `${SNAPSHOTS_DIR}/${name}`, probe };
  }

  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function check(ref: WeakRef<object>, key: EnvironmentKey, base: EnvironmentRecord, write: (r: EnvironmentRecord) => Promise<void>) {
    // A timer, not a microtask or setImmediate: Jest resolves a file's result
    // in a setImmediate after teardown and sends it on in microtasks after it.
    await later(0);
    // Two full GCs with a turn between: the first finds the environment
    // unreachable, Node's weak callbacks for its vm context run in the turn,
    // the second frees what they released. The WeakRef was made in an earlier
    // job, so this one does not keep it alive.
    gc();
    await nextTurn();
    gc();
    if (ref.deref() === undefined) return write({ ...base, state: 'released' });
    // Still alive: give the runner (and a busy machine's weak callbacks) a moment more, then settle fully.
    await later(CONFIRM_DELAY_MS);
    const idleHeap = await settledMeasurement();
    if (ref.deref() === undefined) return write({ ...base, state: 'released' });
    await mkdir(snapshotsDir, { recursive: true });
    const name = environmentSnapshotName(key.file, key.project, worker);
    // Recorded as retained before the (blocking, possibly long) snapshot: a
    // worker stopped meanwhile still leaves the verdict behind.
    await write({ ...base, state: 'retained', snapshot: { status: 'writing', file: `${SNAPSHOTS_DIR}/${name}`, probe: probeKey(key, worker) } });
    return write({ ...base, state: 'retained', snapshot: snapshot(ref, key, idleHeap) });
  }

  return {
    async watch(key, global) {
      await pending;
      await mkdir(environmentsDir, { recursive: true });
      const path = joinInside(environmentsDir, environmentRecordName(key.file, key.project));
      const text = (record: EnvironmentRecord) => `${JSON.stringify(record, null, 2)}\n`;
      const write = (record: EnvironmentRecord) => writeFileAtomic(path, text(record));
      // Read the way teardown reads `after` (two full GCs), so the two compare.
      gc();
      gc();
      const before = readMeasurement();
      const base: EnvironmentRecord = {
        kind: 'heaplens-environment',
        version: 1,
        runner,
        file: key.file,
        project: key.project,
        worker,
        state: 'running',
        before,
        after: null,
        snapshot: null,
        error: null,
      };
      await write(base);
      const ref = new WeakRef(global);
      let scheduled = false;
      return {
        tornDown() {
          if (scheduled) return;
          scheduled = true;
          // What the file leaves behind if its environment stays: read now, while
          // Jest still holds the environment and before the worker can start the
          // next file (which a later reading could include).
          gc();
          gc();
          const checking: EnvironmentRecord = { ...base, state: 'checking', after: readMeasurement() };
          // Written synchronously: Jest hands the result to the reporter right
          // after teardown, and the reporter waits only for a `checking` record.
          let run: Promise<void>;
          try {
            writeFileAtomicSync(path, text(checking));
            run = check(ref, key, checking, write);
          } catch (error) {
            run = Promise.reject(error);
          }
          // Errors end up in the record, never as an unhandled rejection in the worker.
          pending = run.catch((error: unknown) =>
            write({ ...checking, state: 'released', error: `the environment check failed: ${(error as Error)?.message ?? String(error)}` }).catch(() => undefined),
          );
        },
      };
    },
    idle: () => pending,
  };
}

/** Adds or removes the probe property without keeping the global on this function's stack. */
function setProbe(ref: WeakRef<object>, probe: string, on: boolean): boolean {
  const target = ref.deref() as Record<string, unknown> | undefined;
  if (target === undefined) return false;
  try {
    if (on) Object.defineProperty(target, probe, { value: probe, configurable: true, enumerable: false, writable: false });
    else delete target[probe];
  } catch {
    return false;
  }
  return true;
}
