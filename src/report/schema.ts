/**
 * report.json, schema version 2. Documented in the README ("report.json");
 * any change to these types that is not a pure addition bumps the version.
 */
import type { WorkerIdentity } from '../core/naming.js';

export const REPORT_SCHEMA_VERSION = 2;

/**
 * - `leak`: allocation sites kept memory from test after test (or, with fewer
 *   than 3 tests, the scope kept more than the threshold);
 * - `one-time`: it kept more than the threshold, but each site only once
 *   (warm-up: first use, compiled code, lazily built tables, imported modules);
 * - `bounded`: it kept more than the threshold, but only from its latest tests
 *   (older ones were freed, as in a cache at capacity);
 * - `ok`: nothing to speak of (or only memory the runner holds until the file ends);
 * - `inconclusive`: not measured at both ends.
 */
export type ReportVerdict = 'leak' | 'one-time' | 'bounded' | 'ok' | 'inconclusive';

/** An allocation site that kept memory at the scope's end. */
export interface ReportSite {
  /** `src/cache.ts:5:3` (project-relative, 1-based, where the function is defined in the code V8 ran), `(runner)`, `(node internals)` or `(external memory)`. */
  readonly site: string;
  /** The function at the site. */
  readonly fn: string;
  /** `runner`: held by the runner (spies, per-test records) until the file ends. */
  readonly owner: 'user' | 'runner';
  /** The runner package, for runner-held memory. */
  readonly via: string | null;
  /** Estimated bytes still alive at the scope's end (allocation sampling; external memory: settled growth). */
  readonly bytes: number;
  /** How the bytes spread over the tests: `growing` (test after test), `recent` (latest tests only), `once`. */
  readonly shape: 'growing' | 'recent' | 'once';
  /** Observed tests (after the first) whose allocations it still holds. */
  readonly tests: number;
  /** Bytes by phase: `beforeAll`, `beforeEach`, `test`, `afterEach`, `afterAll` (Vitest counts a test's each-hooks as `test`). */
  readonly byPhase: Readonly<Record<'beforeAll' | 'beforeEach' | 'test' | 'afterEach' | 'afterAll', number>>;
}

/** Before, after and growth of one quantity, in bytes (or a count, for contexts). */
export interface MemoryFigures {
  readonly before: number;
  readonly after: number;
  readonly growth: number;
}

export interface ReportScope {
  /** Project-relative test file, `/` separators. */
  readonly file: string;
  /** Suite titles joined with ` > `; `""` for a whole-file scope. */
  readonly suite: string;
  readonly worker: WorkerIdentity;
  /**
   * JS heap plus external (ArrayBuffer) memory at both ends, after a GC; null when the scope was not
   * measured at both ends, or when its start was read without a GC (a scope of 3 or more tests with
   * allocation sampling: its verdict rests on the samples, and `retained` on the sampled bytes).
   */
  readonly heap: MemoryFigures | null;
  /**
   * Bytes the scope kept alive, at least; compared with the threshold. The
   * larger of the heap growth and a third of the sampled live bytes it
   * allocated plus external growth (see the README). Null for inconclusive scopes.
   */
  readonly retained: number | null;
  /** How `retained` was measured. */
  readonly retainedMethod: 'allocation-sampling' | 'heap-delta' | null;
  readonly verdict: ReportVerdict;
  /** One line: why, with the rate and the site for a leak. */
  readonly reason: string;
  /** Tests that ran in the scope; null when unknown (no allocation sampling). */
  readonly tests: number | null;
  /** Bytes kept per observed test, in run order: by the growing sites for a leak, else by all user sites (runner-held memory left out). The sparkline. */
  readonly series: readonly number[];
  /** Leaks: bytes per test of the growing sites; else null. */
  readonly rate: number | null;
  /** Top allocation sites of the kept bytes, largest first. */
  readonly sites: readonly ReportSite[];
  /** A note on memory the runner holds until the file ends, when large; else null. */
  readonly runnerNote: string | null;
  /**
   * What leaked, for flagged scopes with a snapshot pair: classes of new
   * objects still reachable, by retained size, each with a retainer path.
   */
  readonly culprits: readonly ReportCulprit[];
  /** Why the snapshot pair could not be analysed, or null. */
  readonly analysisError: string | null;
  /**
   * Paths relative to outDir. `baselineAfterTests`: tests run when the before snapshot was taken — 1 for a
   * scope of 3 or more tests (its first test's warm-up is left out of the pair), else 0 (the scope's start).
   */
  readonly snapshots: { readonly before: string; readonly after: string; readonly baselineAfterTests: number } | null;
  /** Why there are no snapshots although they were on, or null. */
  readonly snapshotsSkipped: string | null;
  /** The raw figures at both ends, for reading them: null when the scope was not measured at both ends. */
  readonly memory: {
    /** False when the start was read without a GC (see `heap`): its figures include garbage, and the growths mean little. */
    readonly startAfterGc: boolean;
    readonly usedHeap: MemoryFigures;
    readonly external: MemoryFigures;
    readonly detachedContexts: MemoryFigures;
  } | null;
}

export interface ReportCulprit {
  /** Class name as DevTools shows it (`PriceQuote`, `onOrder (closure)`, `(string)`). */
  readonly name: string;
  /** New objects of the class still reachable after the scope. */
  readonly count: number;
  /** Their shallow size, bytes. */
  readonly size: number;
  /** Bytes they keep alive (an object dominated by another new object counts once). */
  readonly retainedSize: number;
  /** Shortest retainer path from a GC root to the largest one: `["(GC roots)", "global", "cache (Map)", "table", "[17]", "PriceQuote"]`. */
  readonly path: readonly string[];
  /** Sampled paths grouped by shape, most common first. */
  readonly paths: ReadonlyArray<{ readonly path: readonly string[]; readonly count: number }>;
  /** The project file (or library package) whose code holds them: a closure's context or a module's exports; null when the path does not say. */
  readonly heldIn: string | null;
  /** The allocation site in that file that kept memory test after test (a growing site), or null. Culprits with one come first. */
  readonly site: string | null;
  /** How many tests allocated at `site` (after the first), or null. */
  readonly tests: number | null;
}

/** A test file whose environment (its global object) was still alive after the file ended. */
export interface ReportEnvironment {
  /** Project-relative test file, `/` separators. */
  readonly file: string;
  readonly worker: WorkerIdentity;
  /**
   * The retainer path from a GC root to the environment's global object,
   * through edges that keep objects alive; empty when it could not be
   * explained (`note` says why).
   */
  readonly path: readonly string[];
  /**
   * What the environment keeps alive, from its snapshot: the bytes of the
   * objects only its global and vm context reach (what releasing it would
   * free). Null when no snapshot was written or analysed (`note` says why).
   */
  readonly bytes: number | null;
  /** The snapshot the path comes from (relative to outDir), if one was written. */
  readonly snapshot: string | null;
  readonly note: string | null;
}

export interface ReportFile {
  /** Relative to outDir, `/` separators. */
  readonly path: string;
  readonly bytes: number;
}

export interface SnapshotFiles {
  readonly keep: 'flagged' | 'all';
  readonly written: number;
  readonly writtenBytes: number;
  readonly kept: number;
  readonly keptBytes: number;
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'heaplens'; readonly version: string };
  readonly runner: { readonly name: 'vitest' | 'jest'; readonly version: string };
  /** `process.version` of the process that wrote the report. */
  readonly node: string;
  readonly snapshots: boolean;
  /** Absolute path of the output directory. */
  readonly outDir: string;
  /** Bytes of growth above which a scope is a leak. */
  readonly threshold: number;
  /** Test files whose environment outlived them (Jest), largest first. */
  readonly retainedEnvironments: readonly ReportEnvironment[];
  /** Scopes, flagged first (leak, inconclusive, one-time, bounded, ok). */
  readonly scopes: readonly ReportScope[];
  /** Snapshot files found under outDir (the ones kept). */
  readonly files: readonly ReportFile[];
  /** Snapshot files the run wrote, and how many of them `keepSnapshots` kept (the rest were deleted). */
  readonly snapshotFiles: SnapshotFiles;
  /** Snapshot analyses run (one worker thread each, one at a time) and the most memory one of them used (JS heap + external). */
  readonly analysis: { readonly jobs: number; readonly peakBytes: number };
  /** Worth a line each: record files that could not be read, checks that did not finish, reported sites that are lines of transformed code (no source map). */
  readonly problems: readonly string[];
}
