import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from './atomic-write.js';
import type { EnvironmentRecord, EnvironmentSnapshot } from './environment-record.js';
import { getGc, settleGc } from './gc.js';
import { createSnapshotWriter, type SnapshotWrite } from './snapshot-writer.js';
import { readMeasurement, type Measurement } from './measure.js';
import { environmentRecordName, environmentSnapshotName, shortHash, type WorkerIdentity } from './naming.js';
import type { ResolvedOptions } from './options.js';
import { ENVIRONMENTS_DIR, joinInside, SNAPSHOTS_DIR } from './paths.js';

/** Without `snapshots` on, at most this many retained environments per worker get a snapshot (each is heap-sized). */
export const UNREQUESTED_SNAPSHOTS_PER_WORKER = 5;
/**
 * Torn-down environments wait to be checked together, with one full GC for
 * all of them (see check()), until this many are waiting (checked at the next
 * file's setup) or the worker has been idle for IDLE_MS (its last file).
 */
export const CHECK_BATCH = 8;
/** No new file this long after a teardown: the worker is idle (done, or waiting for the runner), so the check runs now. */
const IDLE_MS = 25;
/** A retained environment is looked at again after this long, in case the runner was still letting go of it. */
const CONFIRM_DELAY_MS = 200;

export interface EnvironmentWatchConfig {
  readonly options: ResolvedOptions;
  readonly runner: EnvironmentRecord['runner'];
  readonly worker: WorkerIdentity;
  /** When checks run: CHECK_BATCH waiting environments, or IDLE_MS without a new file (tests set their own). */
  readonly batch?: { readonly files: number; readonly idleMs: number };
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
   * later task (a later file's setup, or the worker going idle): until the
   * runner has handed the file's result back, the runner's own frames (and a
   * failing test's errors) still hold the environment, which is how
   * `--detectLeaks` gets its false positives.
   */
  tornDown(): void;
}

export interface EnvironmentWatch {
  /**
   * Call when a test file's environment is set up: holds `global` weakly
   * only, and runs the check of the files torn down before it once
   * CHECK_BATCH of them are waiting.
   */
  watch(key: EnvironmentKey, global: object): Promise<WatchedEnvironment>;
  /** Checks every environment torn down so far now, and resolves once all their records are final. */
  idle(): Promise<void>;
}

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Records a torn-down environment as released (its global was collected). */
const released = (entry: Waiting) => entry.write({ ...entry.checking, state: 'released' });

/**
 * Records the environments of `entries` that are gone as released; returns the others. `deref` only after a
 * GC of the check's own: a successful `deref()` keeps its target alive until the end of the job (see Waiting).
 */
async function releaseCollected(entries: readonly Waiting[], deref: boolean): Promise<Waiting[]> {
  const alive: Waiting[] = [];
  for (const entry of entries) {
    if (entry.gone.collected || (deref && entry.ref.deref() === undefined)) await released(entry);
    else alive.push(entry);
  }
  return alive;
}

/** The property name put on a retained global just for its snapshot, so the analysis can find that object. */
export function probeKey(key: EnvironmentKey, worker: WorkerIdentity): string {
  return `__heaplens_environment_probe_${shortHash(key.file, key.project, String(worker.pid), String(worker.threadId))}`;
}

/** Set by the watch's FinalizationRegistry once V8 has collected the environment's global. */
interface Gone {
  collected: boolean;
}

/**
 * A torn-down environment whose check is still to come.
 *
 * Whether it is gone is told by `gone`, not by `ref.deref()`, until the check: a `deref()` that finds the
 * target adds it to V8's kept objects (the spec's AddToKeptObjects), which hold it strongly until the job
 * ends, and a Jest file whose tests are synchronous runs from its environment's setup to its end in one
 * job. Looking at every waiting environment that way at the next file's setup (as this watch once did)
 * kept each one alive through every GC of the files after it until its batch was checked: up to 8
 * environments of ~2.5 MB each on the bench, and each scope's reading GC marked a heap twice the size.
 */
interface Waiting {
  readonly ref: WeakRef<object>;
  readonly gone: Gone;
  readonly key: EnvironmentKey;
  readonly checking: EnvironmentRecord;
  readonly write: (record: EnvironmentRecord) => Promise<void>;
}

/**
 * Finds out, in the worker, whether test files' environments outlive them:
 * the question `--detectLeaks` answers, asked after full GCs and only once
 * the runner has let go, and at a fraction of its cost. `--detectLeaks` (and
 * heaplens before 0.3) forces GCs for every file; here each environment's
 * global is held by a WeakRef, and torn-down environments are checked in
 * batches: one full GC tells for all of them at once which were
 * released (a GC the runner ran anyway may have told already). Only an
 * environment still alive then pays for the confirmation (a settle) and the
 * snapshot that explains what holds it.
 */
export function createEnvironmentWatch(config: EnvironmentWatchConfig): EnvironmentWatch {
  const { options, runner, worker } = config;
  const { files: batchFiles, idleMs } = config.batch ?? { files: CHECK_BATCH, idleMs: IDLE_MS };
  const gc = getGc();
  const environmentsDir = joinInside(options.outDir, ENVIRONMENTS_DIR);
  const snapshotsDir = joinInside(options.outDir, SNAPSHOTS_DIR);
  /** Torn down, not yet checked. */
  let waiting: Waiting[] = [];
  /** The checks run one batch at a time, in order. */
  let checks: Promise<void> = Promise.resolve();
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let unrequestedSnapshots = 0;
  const writer = createSnapshotWriter(options, worker);
  /** Tells each waiting environment once V8 has collected its global (its callback runs as a task after that GC). */
  const collected = new FinalizationRegistry<Gone>((gone) => {
    gone.collected = true;
  });

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
    const name = environmentSnapshotName(key.file, key.project, worker);
    const probe = probeKey(key, worker);
    if (!setProbe(ref, probe, true)) return { status: 'skipped', reason: 'the environment was collected just before its snapshot' };
    let written: SnapshotWrite;
    try {
      written = writer.write(name, `${key.file} (environment)`, after);
    } finally {
      setProbe(ref, probe, false);
    }
    if ('skipped' in written) return { status: 'skipped', reason: written.skipped };
    if (!options.snapshots) unrequestedSnapshots += 1;
    return { status: 'written', file: written.file, probe };
  }

  /** Still alive after the batch's GCs: wait, settle, and if it is still alive, record it as retained and explain it. */
  async function confirm(alive: readonly Waiting[]): Promise<void> {
    await later(CONFIRM_DELAY_MS);
    const idleHeap = await settledMeasurement();
    for (const { ref, key, checking, write } of await releaseCollected(alive, true)) {
      mkdirSync(snapshotsDir, { recursive: true });
      const name = environmentSnapshotName(key.file, key.project, worker);
      // Recorded as retained before the (blocking, possibly long) snapshot: a
      // worker stopped meanwhile still leaves the verdict behind.
      await write({ ...checking, state: 'retained', snapshot: { status: 'writing', file: `${SNAPSHOTS_DIR}/${name}`, probe: probeKey(key, worker) } });
      await write({ ...checking, state: 'retained', snapshot: snapshot(ref, key, idleHeap) });
    }
  }

  async function check(batch: readonly Waiting[]): Promise<void> {
    // Environments a GC since their teardown already collected (the reading
    // GC of a tracked scope in a later file, or one of the runner's) are
    // released with no GC of the check's own. For the others, one forced full
    // GC collects a released environment (its vm context and global) at
    // once: on the bench, all 40 of 40 in every batch. Only when some are
    // still alive does a second one follow, after a turn: Node's weak
    // callbacks for a vm context can need the turn to let go of it, and the
    // second GC frees what they released. The WeakRefs were made and never
    // dereferenced in earlier jobs, so this one does not keep their targets alive.
    let alive = await releaseCollected(batch, false);
    if (alive.length === 0) return;
    gc();
    alive = await releaseCollected(alive, true);
    if (alive.length === 0) return;
    await nextTurn();
    gc();
    alive = await releaseCollected(alive, true);
    if (alive.length > 0) await confirm(alive);
  }

  function cancelIdle(): void {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
  }

  /** Queues the check of every environment waiting now; errors end up in their records, never as an unhandled rejection. */
  function checkWaiting(): Promise<void> {
    cancelIdle();
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return checks;
    const failed = (error: unknown) =>
      Promise.all(
        batch.map((entry) =>
          entry.write({ ...entry.checking, state: 'released', error: `the environment check failed: ${(error as Error)?.message ?? String(error)}` }).catch(() => undefined),
        ),
      ).then(() => undefined);
    // A timer first, not a microtask or setImmediate: Jest resolves a file's
    // result in a setImmediate after teardown and sends it on in microtasks after it.
    checks = checks.then(() => later(0)).then(() => check(batch)).catch(failed);
    return checks;
  }

  return {
    async watch(key, global) {
      cancelIdle();
      // Released environments a GC of the runner's own already collected are told without one (and without
      // deref(): see Waiting).
      const stillWaiting: Waiting[] = [];
      for (const entry of waiting) {
        if (entry.gone.collected) checks = checks.then(() => released(entry)).catch(() => undefined);
        else stillWaiting.push(entry);
      }
      waiting = stillWaiting;
      if (waiting.length >= batchFiles) checkWaiting();
      await checks;
      // Synchronous, as the scope tracker's records: an await on the thread pool per write left the worker idle.
      mkdirSync(environmentsDir, { recursive: true });
      const path = joinInside(environmentsDir, environmentRecordName(key.file, key.project));
      const text = (record: EnvironmentRecord) => `${JSON.stringify(record, null, 2)}\n`;
      const write = async (record: EnvironmentRecord) => writeFileAtomicSync(path, text(record));
      const base: EnvironmentRecord = {
        kind: 'heaplens-environment',
        version: 1,
        runner,
        file: key.file,
        project: key.project,
        worker,
        state: 'running',
        before: null,
        after: null,
        snapshot: null,
        error: null,
      };
      await write(base);
      const ref = new WeakRef(global);
      const gone: Gone = { collected: false };
      collected.register(global, gone);
      let scheduled = false;
      return {
        tornDown() {
          if (scheduled) return;
          scheduled = true;
          const checking: EnvironmentRecord = { ...base, state: 'checking' };
          // Written synchronously: once Jest has the file's result, a record
          // still \`running\` would mean the worker died during the file.
          try {
            writeFileAtomicSync(path, text(checking));
          } catch (error) {
            checks = checks.then(() => write({ ...checking, state: 'released', error: `the environment check failed: ${(error as Error).message}` })).catch(() => undefined);
            return;
          }
          waiting.push({ ref, gone, key, checking, write });
          cancelIdle();
          // Not unref'd: the reporter waits for this check before Jest stops the worker.
          idleTimer = setTimeout(() => void checkWaiting(), idleMs);
        },
      };
    },
    idle: () => checkWaiting(),
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
