import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAllocationSampler } from './allocation-sampler.js';
import { withExternal, type Attribution } from './attribution.js';
import { markerBytes as markerSize, SCOPE_MARKER_BASE_LENGTH, type BoundaryKind } from './marker-cuts.js';
import { frameContextOf } from './frames.js';
import { BoundaryLog, createMarkerSource, createScopeMarkerSource } from './boundary-markers.js';
import { writeFileAtomicSync } from './atomic-write.js';
import { getGc, settleGc, waitForBackgroundCompiles } from './gc.js';
import { readExternal, readMeasurement, usedHeapAfterGcDuring, type Measurement } from './measure.js';
import { MIN_TESTS } from './repetition.js';
import { scopeBaseName, snapshotFileName, type Phase, type ScopeKey, type WorkerIdentity } from './naming.js';
import type { ResolvedOptions } from './options.js';
import { joinInside, RECORDS_DIR, SNAPSHOTS_DIR } from './paths.js';
import { SKIPPED_CLEAN, type ScopeRecord, type SnapshotOutcome } from './record.js';
import { startAfterGroup, type GroupMember, type GroupStart } from './scope-group.js';
import { clearedByFirstReading, flaggable, growthSince, readGroup } from './scope-reading.js';
import { createSnapshotWriter } from './snapshot-writer.js';
import { createSourceMapper, type RunnerSourceMaps } from './source-positions.js';

export interface TrackerConfig {
  readonly options: ResolvedOptions;
  readonly runner: ScopeRecord['runner'];
  readonly worker: WorkerIdentity;
  /**
   * The source map the runner keeps for a module it evaluated (by the URL V8
   * knows the script by), for runners whose code has no `sourceMappingURL`
   * (Vitest 5 keeps its modules' maps beside them) or to spare the debugger
   * (Jest's registry): see RunnerSourceMap.
   */
  readonly sourceMapOf?: RunnerSourceMaps;
}

/** A scope that has been measured at its start; `end()` measures it again and records it. */
export interface OpenScope {
  /**
   * `deferRead`: the runner expects the next sibling scope to start right after this one, with nothing of
   * the user's run in between. A scope that can (sampled, started without a GC, no snapshots) then ends
   * without a GC: it allocates a scope marker, the sibling starts there, and both are read with one
   * profile at the group's end (scope-group.ts). The runner calls `flush()` before anything else runs.
   */
  end(options?: { readonly deferRead?: boolean }): Promise<void>;
}

export interface ScopeTracker {
  /**
   * `tests`: how many test runs the scope will have, when the runner knows (spaces out boundary markers in
   * large scopes); `runsPerTest`: how many of them are each test's (the repeat pass), 1 by default;
   * `follows`: the runner says this scope starts right after the last one ended, with nothing of the
   * user's run in between (the next sibling describe), so the end's GCs count for this start.
   */
  begin(key: ScopeKey, tests?: number | null, runsPerTest?: number, follows?: boolean): Promise<OpenScope>;
  /**
   * A test or hook boundary inside the open scopes (`startsTest` for the
   * first boundary of each test). Cheap: no GC, one small allocation.
   */
  boundary(kind: BoundaryKind, startsTest: boolean): void;
  /**
   * Whether scopes that ended with `deferRead` wait for their reading while no sibling has started at
   * their end: the runner must call `flush()` before anything of the user's runs.
   */
  readonly unread: boolean;
  /** Reads and records the scopes waiting for their group's reading (nothing when none are). */
  flush(): Promise<void>;
}

/** Boundaries per test each runner marks at most: Vitest start and end; Jest beforeEach, body, afterEach, end (test-boundaries.ts). */
const BOUNDARIES_PER_TEST = { vitest: 2, jest: 4 } as const;

/** What one reading of a scope gave. */
interface Reading {
  readonly own: Attribution;
  readonly after: Measurement;
  readonly reading: 'first' | 'settled';
}

/** A sampled scope that has ended and waits for its group's reading. */
interface Ended {
  readonly member: () => GroupMember;
  readonly before: Measurement;
  /** External memory at its end, read without a GC (an upper bound of what it kept there). */
  readonly externalAtEnd: number;
  /** Its markers (boundary and scope marker) are let go: before any snapshot, and before the next scope. */
  readonly release: () => void;
  readonly markerBytes: number;
  /** Writes the after snapshot, maps sites and writes the record; true when it left nothing behind (no after snapshot). */
  readonly complete: (reading: Reading) => Promise<boolean>;
}

/** The last thing the tracker did was end a scope: read (what a following start can use), or deferred. */
type LastEnd =
  | { readonly kind: 'read'; readonly after: Measurement; readonly reading: 'first' | 'settled'; readonly markerBytes: number }
  | { readonly kind: 'deferred' };

/** Whether a scope gets snapshots: snapshots on, and the scope among options.snapshotScopes when that is set. */
export function snapshotsFor(options: Pick<ResolvedOptions, 'snapshots' | 'snapshotScopes'>, key: Pick<ScopeKey, 'file' | 'suite'>): boolean {
  if (!options.snapshots) return false;
  return options.snapshotScopes === null || options.snapshotScopes.some(([file, suite]) => file === key.file && suite === key.suite);
}

/** The folder of the heaplens build running this (`dist`), whose frames are heaplens' own. */
function ownDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/**
 * Measures tracked scopes in the isolate it runs in (a snapshot covers one
 * isolate only, so this must run inside the worker that runs the tests).
 * Records go to `<outDir>/records/`, snapshots to `<outDir>/snapshots/`.
 */
export function createScopeTracker(config: TrackerConfig): ScopeTracker {
  const { options, runner, worker, sourceMapOf } = config;
  const gc = getGc();
  const sampler = createAllocationSampler();
  const recordsDir = joinInside(options.outDir, RECORDS_DIR);
  const snapshotsDir = joinInside(options.outDir, SNAPSHOTS_DIR);
  const nextMarker = createMarkerSource();
  const nextScopeMarker = createScopeMarkerSource();
  const logs = new Set<BoundaryLog>();
  const frameContext = frameContextOf(options.root, ownDir());
  const toSource = createSourceMapper((ids) => sampler.sourceMapUrls(ids), sourceMapOf);
  const writer = createSnapshotWriter(options, worker);

  /** A settled measurement; `afterGc`: the used heap right after a full GC that just ran (settleGc). */
  async function measure(afterGc?: number): Promise<Measurement> {
    await settleGc(gc, { probe: () => readMeasurement().usedHeap, afterGc });
    return readMeasurement();
  }

  let lastEnd: LastEnd | null = null;
  /** Ended scopes waiting for their group's reading, in order: consecutive siblings. */
  let waiting: Array<Ended & { readonly scopeMarker: number | null }> = [];
  /** The open scope that started at the last waiting scope's marker; its start becomes an ordinal at the read. */
  let chained: { start: GroupStart } | null = null;

  /**
   * The start of a scope that follows the last one's end directly (nothing of
   * the user's ran in between):
   * - after a first reading (one GC, nothing flaggable, nothing mapped), that
   *   reading is this scope's start, less the last scope's markers (alive in
   *   it, garbage now). What the end allocated after its reading (the parsed
   *   profile) was garbage from the start and is in neither figure: no GC.
   * - after a settled end, the end also decoded source maps and may have
   *   written a snapshot, which leave things behind: one event-loop turn and
   *   one GC more (with the end's own, the two rounds of a settle) and a fresh reading.
   */
  async function measureAfterEnd(end: Extract<LastEnd, { kind: 'read' }>): Promise<Measurement> {
    if (end.reading === 'first') return { ...end.after, usedHeap: end.after.usedHeap - end.markerBytes };
    await new Promise<void>((resolve) => setImmediate(resolve));
    waitForBackgroundCompiles();
    gc();
    return readMeasurement();
  }

  /**
   * A scope's start: its measurement and the sampler's mark.
   * - Right after the last scope's end: that end's GCs count (measureAfterEnd).
   * - A scope that will show a trend (MIN_TESTS or more tests), with the sampler: no GC at all. Its
   *   verdict rests on what the samples newer than the mark show at its end (growing sites, and the
   *   sampled bytes for one-time and bounded), which no GC at the start changes; only a heap delta
   *   would need one, and a start settle is two full GCs (60 ms on a Jest worker's 20 MB heap, the
   *   largest cost of tracking on the bench: the first describe of every file starts right after the
   *   previous file's environment became garbage, and one GC in ten frees megabytes only in the
   *   second round). The reading is marked unsettled, and the report shows no heap delta for it.
   * - Else (few tests, or no sampler: the heap delta decides): a settled measurement.
   */
  async function measureStart(afterEnd: LastEnd | null, tests: number | null): Promise<{ before: Measurement; mark: number | null }> {
    if (afterEnd?.kind === 'read') {
      const before = await measureAfterEnd(afterEnd);
      return { before, mark: await sampler.mark() };
    }
    if (tests !== null && tests >= MIN_TESTS) {
      const mark = await sampler.mark();
      if (mark !== null) return { before: { ...readMeasurement(), settled: false }, mark };
      return { before: await measure(), mark };
    }
    const before = await measure();
    return { before, mark: await sampler.mark() };
  }

  /**
   * Reads the waiting scopes with one profile (one full GC): each is cleared by that first reading or,
   * for those that may be flagged, read again after a settle. Then lets their markers go, completes
   * them in order (snapshots, source maps, records) and ends their part of the sampling session.
   */
  async function readWaiting(): Promise<void> {
    if (waiting.length === 0) return;
    const group = waiting;
    waiting = [];
    const open = chained;
    chained = null;
    try {
      const members = group.map((e) => e.member());
      const read = () => readGroup(() => sampler.profile(), members, frameContext);
      waitForBackgroundCompiles();
      const first = await usedHeapAfterGcDuring(read);
      const now = readMeasurement();
      const afterOf = (e: Ended, m: Measurement): Measurement => ({ ...m, external: Math.min(e.externalAtEnd, m.external) });
      const readings: Array<Reading | null> = group.map((e, i) => {
        if (first.usedHeap === null) return null;
        const reading: Reading = { own: first.value.attributions[i]!, after: afterOf(e, { ...now, usedHeap: first.usedHeap }), reading: 'first' };
        return clearedByFirstReading(reading.own, e.before, reading.after, options.threshold) ? reading : null;
      });
      let groupRead = first.value;
      if (readings.includes(null)) {
        // One GC leaves what a finalizer or a timer has yet to release: settle (the first reading's GC is
        // its first round), and read again.
        const settled = await measure(first.usedHeap ?? undefined);
        const second = await read();
        groupRead = second;
        group.forEach((e, i) => {
          readings[i] ??= { own: second.attributions[i]!, after: afterOf(e, settled), reading: 'settled' };
        });
      }
      if (open) open.start = startAfterGroup(members, groupRead);
      for (const e of group) e.release();
      let leftNothing = true;
      for (const [i, e] of group.entries()) leftNothing = (await e.complete(readings[i]!)) && leftNothing;
      const last = readings[readings.length - 1]!;
      const markerBytes = group.reduce((sum, e) => sum + e.markerBytes, 0);
      lastEnd = { kind: 'read', after: last.after, reading: leftNothing && readings.every((r) => r!.reading === 'first') ? 'first' : 'settled', markerBytes };
    } finally {
      for (const _ of group) await sampler.release();
    }
  }

  /** Writes one snapshot if the budgets allow; returns its name or why not. */
  function snapshot(base: string, phase: Phase, m: Measurement, key: ScopeKey): { file: string } | { skipped: string } {
    return writer.write(snapshotFileName(base, phase), `${key.file}${key.suite ? ` › ${key.suite}` : ''} (${phase})`, m);
  }

  return {
    get unread() {
      return waiting.length > 0 && chained === null;
    },
    flush: readWaiting,
    boundary(kind, startsTest) {
      if (logs.size === 0) return;
      // One marker serves every open scope (nested describes): the first log that wants one allocates it.
      let shared: { index: number; array: unknown[] } | null = null;
      const marker = () => (shared ??= nextMarker());
      const external = startsTest ? readExternal() : 0;
      for (const log of logs) log.add(kind, startsTest, marker, external, nextMarker);
    },
    async begin(key, tests = null, runsPerTest = 1, follows = false) {
      const previous = follows ? lastEnd : null;
      lastEnd = null;
      // Records are a few KB, written twice per scope: synchronously, since each await on the thread pool
      // left the worker idle (writeFile, rename and mkdir: ~2 ms a scope on this project's Jest bench).
      mkdirSync(recordsDir, { recursive: true });
      const snapshotsOn = snapshotsFor(options, key);
      if (snapshotsOn) mkdirSync(snapshotsDir, { recursive: true });
      const base = scopeBaseName(key, worker);
      const recordPath = joinInside(recordsDir, `${base}.json`);
      const write = async (record: ScopeRecord) => writeFileAtomicSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);

      // With snapshots, the line ends V8 keeps for the scripts loaded so far are made before the scope's first
      // measurement: they are megabytes (an array per script, a Smi per line), and made at the first snapshot
      // they would count as what the scope kept, so that snapshots changed the verdict.
      if (snapshotsOn) writer.cacheLineEnds();
      let before: Measurement;
      let sampling: { start: GroupStart } | null;
      const lastWaiting = waiting[waiting.length - 1];
      if (previous?.kind === 'deferred' && lastWaiting?.scopeMarker != null && !snapshotsOn && tests !== null && tests >= MIN_TESTS && sampler.retain()) {
        // The next sibling of a deferred end: it starts at that scope's marker, without a GC (scope-group.ts).
        before = { ...readMeasurement(), settled: false };
        sampling = chained = { start: { afterScopeMarker: lastWaiting.scopeMarker } };
      } else {
        await readWaiting();
        // The waiting group was just read, with nothing of the user's run since: its reading is this start's.
        const afterEnd = previous?.kind === 'deferred' ? lastEnd : previous;
        lastEnd = null;
        const started = await measureStart(afterEnd, tests);
        before = started.before;
        sampling = started.mark === null ? null : { start: { ordinal: started.mark } };
      }
      const log = new BoundaryLog(tests, BOUNDARIES_PER_TEST[runner.name]);
      if (sampling) logs.add(log);
      const startedAt = Date.now();
      const common = {
        kind: 'heaplens-scope',
        version: 2,
        runner,
        file: key.file,
        suite: key.suite,
        ordinal: key.ordinal,
        worker,
        ...(runsPerTest > 1 ? { runsPerTest } : {}),
      } as const;
      let snapshots: SnapshotOutcome = { status: 'off' };
      const running = (): ScopeRecord => ({
        ...common,
        state: 'running',
        before,
        after: null,
        sampled: null,
        attribution: null,
        markerBytes: 0,
        snapshots,
        error: null,
        startedAt,
        endedAt: null,
      });
      // Written before the snapshot: if the worker dies from here on, the
      // reporter still learns that this scope started and never finished.
      await write(running());
      let baselineWritten: Promise<void> = Promise.resolve();
      if (snapshotsOn) {
        const takeBaseline = (afterTests: number) => {
          const taken = snapshot(base, 'before', before, key);
          snapshots = 'file' in taken
            ? { status: 'written', before: taken.file, after: null, baselineAfterTests: afterTests }
            : { status: 'skipped', reason: taken.skipped, before: null };
          baselineWritten = write(running());
        };
        // The baseline of a scope that repeats (MIN_TESTS or more tests) is taken after its first
        // test, so that the pair (and its Comparison view in DevTools) leaves out what the first
        // run built once: compiled code, a lazily built table, modules imported in the test. What
        // the later tests added is what repeats (memlab's baseline after a first iteration).
        // Synchronous, inside the runner's hook that ends the first test.
        if (tests !== null && tests >= MIN_TESTS && sampling) {
          log.onFirstTestEnd = () => takeBaseline(1);
        } else {
          takeBaseline(0);
          await baselineWritten;
        }
      }

      return {
        async end(endOptions) {
          logs.delete(log);
          // Still set: no test ended, so the deferred baseline was never taken.
          const baselineMissed = log.onFirstTestEnd !== null;
          log.onFirstTestEnd = null;
          await baselineWritten;
          if (baselineMissed) snapshots = { status: 'skipped', reason: 'no test ended in the scope, so there is no baseline snapshot', before: null };
          const endedAt = Date.now();
          if (!sampling) {
            await readWaiting();
            const after = await measure();
            await write({ ...running(), state: 'done', after, reading: 'settled', sampled: null, attribution: null, markerBytes: 0, endedAt });
            lastEnd = { kind: 'read', after, reading: 'settled', markerBytes: 0 };
            return;
          }
          const start = sampling;
          if (chained === start) chained = null;
          const deferred = endOptions?.deferRead === true && before.settled === false && snapshots.status === 'off';
          let scopeMarker = deferred ? nextScopeMarker() : null;
          const markerBytes = log.markerBytes + (scopeMarker ? markerSize(scopeMarker.index, SCOPE_MARKER_BASE_LENGTH) : 0);
          waiting.push({
            scopeMarker: scopeMarker?.index ?? null,
            member: () => ({ start: start.start, endMarker: scopeMarker?.index ?? null, boundaries: log.boundaries, tests: log.tests }),
            before,
            externalAtEnd: readExternal(),
            markerBytes,
            release: () => {
              log.release();
              scopeMarker = null;
            },
            complete: async ({ own, after, reading }) => {
              // The after snapshot must be written while the inspector session is
              // still open: closing it disables the HeapProfiler agent, which
              // clears V8's object ids, and ids are how a diff tells new objects
              // from old ones.
              if (snapshots.status === 'written' && reading === 'first' && options.keepSnapshots === 'flagged') {
                // Cleared by its first reading, the scope is `ok`: its pair would be deleted unread, so the
                // after snapshot (seconds on a large heap) is not written; the reporter deletes the before one.
                snapshots = { status: 'skipped', reason: SKIPPED_CLEAN, before: snapshots.before };
              } else if (snapshots.status === 'written') {
                const taken = snapshot(base, 'after', after, key);
                snapshots = 'file' in taken
                  ? { ...snapshots, after: taken.file }
                  : { status: 'skipped', reason: taken.skipped, before: snapshots.before };
              }
              // Source maps come from the debugger, after the snapshot: enabling it creates objects of its own.
              const mapped = flaggable(own, growthSince(before, after), options.threshold) ? await toSource(own, frameContext.root) : own;
              const attribution = withExternal(mapped, log.externalAtTest, after.external, after.external - before.external);
              const sampled = { bytes: own.total, samples: own.samples };
              await write({ ...running(), state: 'done', after, reading, ...(deferred ? { deferredRead: true } : {}), sampled, attribution, markerBytes, endedAt });
              // An after snapshot written past the reading leaves things behind too (see measureAfterEnd).
              return !(snapshots.status === 'written' && snapshots.after !== null);
            },
          });
          if (deferred) {
            lastEnd = { kind: 'deferred' };
            return;
          }
          await readWaiting();
        },
      };
    },
  };
}
