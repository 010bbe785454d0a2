import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAllocationSampler, type SampledBytes } from './allocation-sampler.js';
import { attribute, withExternal, type Attribution, type AttributionInput, type SamplingProfile } from './attribution.js';
import type { BoundaryKind } from './marker-cuts.js';
import { frameContextOf, type FrameContext } from './frames.js';
import { BoundaryLog, createMarkerSource } from './boundary-markers.js';
import { writeFileAtomic } from './atomic-write.js';
import { getGc, settleGc, waitForBackgroundCompiles } from './gc.js';
import { readExternal, readMeasurement, retainedTotal, usedHeapAfterGcDuring, type Measurement } from './measure.js';
import { growingBound, judgeRepetition, LEAK_FLOOR, MIN_TESTS } from './repetition.js';
import { scopeBaseName, snapshotFileName, type Phase, type ScopeKey, type WorkerIdentity } from './naming.js';
import type { ResolvedOptions } from './options.js';
import { joinInside, RECORDS_DIR, SNAPSHOTS_DIR } from './paths.js';
import { SKIPPED_CLEAN, type ScopeRecord, type SnapshotOutcome } from './record.js';
import { createSnapshotWriter } from './snapshot-writer.js';
import { createSourceMapper } from './source-positions.js';

export interface TrackerConfig {
  readonly options: ResolvedOptions;
  readonly runner: ScopeRecord['runner'];
  readonly worker: WorkerIdentity;
  /**
   * The source map the runner keeps for a module it evaluated (by the URL V8
   * knows the script by), for runners whose code has no `sourceMappingURL`
   * (Vitest 5 keeps its modules' maps beside them): the map's JSON object.
   */
  readonly sourceMapOf?: RunnerSourceMaps;
}

export type RunnerSourceMaps = (scriptUrl: string) => object | null;

/** A scope that has been measured at its start; `end()` measures it again and records it. */
export interface OpenScope {
  end(): Promise<void>;
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
}

/** Boundaries per test each runner marks: Vitest start and end; Jest beforeEach, body, afterEach, end. */
const BOUNDARIES_PER_TEST = { vitest: 2, jest: 4 } as const;

/**
 * Whether a scope kept enough to be anything but `ok`: a leak needs LEAK_FLOOR
 * sampled bytes at growing sites, the other verdicts more than the threshold
 * (a runner note a quarter of it). Only those get their sites mapped to the
 * sources. `growth` is the heap delta, markers included (an overestimate).
 */
function flaggable(attribution: Attribution, growth: number, threshold: number): boolean {
  return attribution.total >= Math.min(LEAK_FLOOR, threshold / 4) || growth > threshold;
}

/**
 * Whether a scope's first reading (one full GC) settles its verdict as `ok`, so that it needs no settle
 * and no second profile. More GCs only lower what the reading shows: the sampled bytes (the runner's
 * share and the suite's own), external memory, and the growing functions (growingBound). So a scope
 * that is not flaggable, or (with a trend, from an unsettled start) is `ok` with no room for a leak, is
 * `ok` after a settle too. Most scopes of a real suite keep more than LEAK_FLOOR sampled bytes (h3's
 * kept 1.5 to 4 MB, much of it the runner's), so the second rule is the one that spares their settle.
 */
function clearedByFirstReading(attribution: Attribution, before: Measurement, after: Measurement, threshold: number): boolean {
  if (!flaggable(attribution, growthSince(before, after), threshold)) return true;
  if (before.settled !== false || attribution.observed.length < MIN_TESTS || growingBound(attribution) >= LEAK_FLOOR) return false;
  const external = Math.max(0, after.external - before.external);
  return judgeRepetition(attribution, attribution.total + external, threshold).verdict === 'ok';
}

/**
 * Reads and decodes the sampling profile in a frame of its own. Awaited in
 * end() directly, the parsed profile stayed in a register of end()'s
 * suspended frame while the after snapshot was written, and showed up in it
 * as thousands of new strings (its call frames' URLs) held from a GC root.
 */
async function readAttribution(
  read: () => Promise<SamplingProfile>,
  input: Omit<AttributionInput, 'profile'>,
  context: FrameContext,
): Promise<Attribution> {
  return attribute({ ...input, profile: await read() }, context);
}

/**
 * What the heap grew by since a scope's start, for flaggable(): JS heap and external memory after a
 * settled start; after an unsettled one (read without a GC, see measureStart) external memory only,
 * which the sampler does not see (the JS heap's share is in the sampled bytes).
 */
function growthSince(before: Measurement, after: Measurement): number {
  return before.settled === false ? after.external - before.external : retainedTotal(after) - retainedTotal(before);
}

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
  const logs = new Set<BoundaryLog>();
  const frameContext = frameContextOf(options.root, ownDir());
  const toSource = createSourceMapper((ids) => sampler.sourceMapUrls(ids), sourceMapOf);
  const writer = createSnapshotWriter(options, worker);

  async function measure(): Promise<Measurement> {
    await settleGc(gc, { probe: () => readMeasurement().usedHeap });
    return readMeasurement();
  }

  /** The last scope's end while the tracker has done nothing since (no begin): what `follows` needs. */
  let lastEnd: { readonly after: Measurement; readonly reading: 'first' | 'settled'; readonly markerBytes: number } | null = null;

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
  async function measureAfterEnd(end: NonNullable<typeof lastEnd>): Promise<Measurement> {
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
  async function measureStart(afterEnd: typeof lastEnd, tests: number | null): Promise<{ before: Measurement; mark: number | null }> {
    if (afterEnd) {
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

  /** Writes one snapshot if the budgets allow; returns its name or why not. */
  function snapshot(base: string, phase: Phase, m: Measurement, key: ScopeKey): { file: string } | { skipped: string } {
    return writer.write(snapshotFileName(base, phase), `${key.file}${key.suite ? ` › ${key.suite}` : ''} (${phase})`, m);
  }

  return {
    boundary(kind, startsTest) {
      if (logs.size === 0) return;
      // One marker serves every open scope (nested describes): the first log that wants one allocates it.
      let shared: { index: number; array: unknown[] } | null = null;
      const marker = () => (shared ??= nextMarker());
      const external = startsTest ? readExternal() : 0;
      for (const log of logs) log.add(kind, startsTest, marker, external, nextMarker);
    },
    async begin(key, tests = null, runsPerTest = 1, follows = false) {
      const afterEnd = follows ? lastEnd : null;
      lastEnd = null;
      await mkdir(recordsDir, { recursive: true });
      const snapshotsOn = snapshotsFor(options, key);
      if (snapshotsOn) await mkdir(snapshotsDir, { recursive: true });
      const base = scopeBaseName(key, worker);
      const recordPath = joinInside(recordsDir, `${base}.json`);
      const write = (record: ScopeRecord) => writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);

      // With snapshots, the line ends V8 keeps for the scripts loaded so far are made before the scope's first
      // measurement: they are megabytes (an array per script, a Smi per line), and made at the first snapshot
      // they would count as what the scope kept, so that snapshots changed the verdict.
      if (snapshotsOn) writer.cacheLineEnds();
      const { before, mark } = await measureStart(afterEnd, tests);
      const log = new BoundaryLog(tests, BOUNDARIES_PER_TEST[runner.name]);
      if (mark !== null) logs.add(log);
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
        if (tests !== null && tests >= MIN_TESTS && mark !== null) {
          log.onFirstTestEnd = () => takeBaseline(1);
        } else {
          takeBaseline(0);
          await baselineWritten;
        }
      }

      return {
        async end() {
          logs.delete(log);
          // Still set: no test ended, so the deferred baseline was never taken.
          const baselineMissed = log.onFirstTestEnd !== null;
          log.onFirstTestEnd = null;
          await baselineWritten;
          if (baselineMissed) snapshots = { status: 'skipped', reason: 'no test ended in the scope, so there is no baseline snapshot', before: null };
          let after: Measurement | null = null;
          let reading: 'first' | 'settled' = 'settled';
          let sampled: SampledBytes | null = null;
          let attribution: Attribution | null = null;
          const markerBytes = log.markerBytes;
          try {
            let own: Attribution | null = null;
            if (mark !== null) {
              // Read while the markers are alive; let go of them (and of the parsed profile) before the
              // after snapshot, so that neither shows up in it as new objects.
              const input = { mark, boundaries: log.boundaries, tests: log.tests };
              // The first reading: one full GC. What one GC leaves (memory a finalizer or a timer has yet
              // to release) only adds to what it shows, so a scope it clears (clearedByFirstReading) is `ok`
              // after a settle too. Only the others pay for the settle and a second profile.
              waitForBackgroundCompiles();
              const first = await usedHeapAfterGcDuring(() => readAttribution(() => sampler.profile(), input, frameContext));
              const firstAfter = first.usedHeap === null ? null : { ...readMeasurement(), usedHeap: first.usedHeap };
              if (firstAfter && clearedByFirstReading(first.value, before, firstAfter, options.threshold)) {
                after = firstAfter;
                reading = 'first';
                own = first.value;
              } else {
                after = await measure();
                own = await readAttribution(() => sampler.profile(), input, frameContext);
              }
              log.release();
              sampled = { bytes: own.total, samples: own.samples };
            } else {
              after = await measure();
            }
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
            if (own) {
              const growth = after.external - before.external;
              const mapped = flaggable(own, growthSince(before, after), options.threshold) ? await toSource(own, frameContext.root) : own;
              attribution = withExternal(mapped, log.externalAtTest, after.external, growth);
            }
          } finally {
            if (mark !== null) await sampler.release();
          }
          log.release();
          await write({ ...running(), state: 'done', after, reading, sampled, attribution, markerBytes, endedAt: Date.now() });
          // An after snapshot written past the reading leaves things behind too (see measureAfterEnd).
          const leftNothing = reading === 'first' && !(snapshots.status === 'written' && snapshots.after !== null);
          lastEnd = { after, reading: leftNothing ? 'first' : 'settled', markerBytes };
        },
      };
    },
  };
}
