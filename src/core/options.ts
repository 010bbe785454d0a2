import { resolve } from 'node:path';
import { parseBytes } from './bytes.js';

/** Options accepted by `heaplens()` (Vitest) and `withHeaplens()` (Jest). */
export interface HeaplensOptions {
  /**
   * fast-glob patterns, matched against project-relative paths: every matching
   * test file is tracked as a whole, without calling `trackHeap()`.
   */
  include?: string[];
  /**
   * Growth above which a scope is a leak: bytes, or a string such as `'512kb'`,
   * `'2MB'`. Default `'1MB'`.
   */
  threshold?: number | string;
  /** Where report.json and snapshots go, relative to the project root. Default `.heaplens`. */
  outDir?: string;
  /** Write a before/after `.heapsnapshot` per tracked scope. Default off; `--heap-snapshots` or `HEAPLENS_SNAPSHOTS=1` turn it on. */
  snapshots?: boolean;
  /** Fail the run (exit 1) when any scope leaks, even if every test passed. */
  failOnLeak?: boolean;
  /** Skip snapshots when the worker's JS heap is larger than this (bytes or `'1GB'`). Default: no limit beyond the memory check. */
  snapshotMaxHeap?: number | string;
  /**
   * Seconds one snapshot may take to write (a number, or `'90s'`, `'2m'`). Writing blocks the worker, so a
   * snapshot estimated to take longer (from the heap's size and the rate of the worker's earlier snapshots)
   * is skipped, and the report says why. Default 120.
   */
  snapshotTimeBudget?: number | string;
  /** Set to false to turn tracking off (`trackHeap()` becomes a no-op). Default true. */
  enabled?: boolean;
  /**
   * Run each test of a tracked scope with fewer than 3 tests again (Vitest's `repeats`, with its hooks; on
   * Jest, copies of the tests appended to their describe block), so that its verdict rests on repetition
   * instead of the threshold. Default off: a test that is not idempotent fails when repeated.
   * `--heap-repeat` or `HEAPLENS_REPEAT=1` turn it on.
   */
  repeat?: boolean;
  /**
   * Which snapshots stay in outDir once the run is judged: `'flagged'` (default) keeps the pairs of scopes
   * that are not `ok` and the snapshots of retained environments, and deletes the rest as soon as their
   * verdict is known; `'all'` keeps every one. `--keep-snapshots all` or `HEAPLENS_KEEP_SNAPSHOTS=all`.
   */
  keepSnapshots?: KeepSnapshots;
}

export type KeepSnapshots = 'flagged' | 'all';
export const KEEP_SNAPSHOTS: readonly KeepSnapshots[] = ['flagged', 'all'];

/** Options after validation, as passed to workers (plain JSON). */
export interface ResolvedOptions {
  readonly enabled: boolean;
  readonly root: string;
  readonly outDir: string;
  readonly include: readonly string[];
  readonly threshold: number;
  readonly snapshots: boolean;
  readonly failOnLeak: boolean;
  readonly snapshotMaxHeap: number | null;
  /** Seconds. */
  readonly snapshotTimeBudget: number;
  readonly repeat: boolean;
  readonly keepSnapshots: KeepSnapshots;
  /**
   * With snapshots on, only these scopes get snapshots; null: every tracked scope. Set by the `heaplens`
   * CLI's second run (HEAPLENS_SNAPSHOT_SCOPES), which re-runs the files with a leak for the culprits of
   * their leaking scopes only: a sibling's snapshot (seconds on a large heap) would be deleted unread.
   */
  readonly snapshotScopes: readonly SnapshotScope[] | null;
}

export const DEFAULT_THRESHOLD = 1024 * 1024;
export const DEFAULT_OUT_DIR = '.heaplens';
export const DEFAULT_SNAPSHOT_TIME_BUDGET = 120;

/** Seconds from `120`, `'90s'` or `'2m'`; undefined when it is none of those (or not positive). */
export function parseSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|min)?\s*$/i.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]) * (match[2] && match[2].toLowerCase() !== 's' ? 60 : 1);
  return amount > 0 ? amount : undefined;
}

/** A mistake in the user's configuration: printed as one line, never with a stack. */
export class HeaplensConfigError extends Error {
  static {
    HeaplensConfigError.prototype.name = 'HeaplensConfigError';
  }

  constructor(message: string) {
    super(message);
    // Jest prints a config file's error as its `stack`: the message alone, no trace of heaplens' internals.
    Object.defineProperty(this, 'stack', { value: message, configurable: true, writable: true });
  }

  /**
   * Runners print startup errors with `console.error(error)`, i.e. through
   * util.inspect: show the message alone, without a stack trace.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.message;
  }
}

/** Environment and CLI overrides, which win over the config file (CI sets them). */
export interface Overrides {
  readonly snapshots?: boolean;
  readonly failOnLeak?: boolean;
  readonly outDir?: string;
  readonly repeat?: boolean;
  /** Validated here: it comes from an environment variable, so a bad value is named as one. */
  readonly keepSnapshots?: string;
  /** The CLI's run with snapshots: only these scopes get snapshots (see ResolvedOptions.snapshotScopes). */
  readonly snapshotScopes?: readonly SnapshotScope[];
}

/** A scope by its file (project-relative, `/` separators) and suite (titles joined with ` > `). */
export type SnapshotScope = readonly [file: string, suite: string];

const KNOWN = new Set(['include', 'threshold', 'outDir', 'snapshots', 'failOnLeak', 'snapshotMaxHeap', 'snapshotTimeBudget', 'enabled', 'repeat', 'keepSnapshots']);

function fail(where: string, message: string): never {
  throw new HeaplensConfigError(`heaplens: ${message}. Fix it in ${where}.`);
}

/** The offending value, on one line: strings quoted with escapes, anything else as JSON where possible. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${JSON.stringify(value).slice(1, -1)}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Validates user options and applies overrides.
 * @param where the config file named in error messages, e.g. `vitest.config.ts`.
 */
export function resolveOptions(
  input: unknown,
  root: string,
  overrides: Overrides = {},
  where = 'your test config',
): ResolvedOptions {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    fail(where, `options must be an object like { threshold: '1MB' } (got ${show(input)})`);
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN.has(key)) fail(where, `unknown option '${key}' (known: ${[...KNOWN].join(', ')})`);
  }

  const include = raw.include === undefined ? [] : raw.include;
  if (!Array.isArray(include) || include.some((p) => typeof p !== 'string' || p.length === 0)) {
    fail(where, `option 'include' must be an array of glob strings like ['test/**/*.leak.test.ts'] (got ${show(include)})`);
  }

  const threshold = raw.threshold === undefined ? DEFAULT_THRESHOLD : parseBytes(raw.threshold);
  if (threshold === undefined) {
    fail(where, `option 'threshold' must be a byte count like 1048576 or '1MB' (got ${show(raw.threshold)})`);
  }

  let snapshotMaxHeap: number | null = null;
  if (raw.snapshotMaxHeap !== undefined) {
    const parsed = parseBytes(raw.snapshotMaxHeap);
    if (parsed === undefined) {
      fail(where, `option 'snapshotMaxHeap' must be a byte count like 1073741824 or '1GB' (got ${show(raw.snapshotMaxHeap)})`);
    }
    snapshotMaxHeap = parsed;
  }

  const snapshotTimeBudget = raw.snapshotTimeBudget === undefined ? DEFAULT_SNAPSHOT_TIME_BUDGET : parseSeconds(raw.snapshotTimeBudget);
  if (snapshotTimeBudget === undefined) {
    fail(where, `option 'snapshotTimeBudget' must be a number of seconds like 120, '90s' or '2m' (got ${show(raw.snapshotTimeBudget)})`);
  }

  for (const key of ['snapshots', 'failOnLeak', 'enabled', 'repeat'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') {
      fail(where, `option '${key}' must be true or false (got ${show(raw[key])})`);
    }
  }

  if (raw.keepSnapshots !== undefined && !KEEP_SNAPSHOTS.includes(raw.keepSnapshots as KeepSnapshots)) {
    fail(where, `option 'keepSnapshots' must be 'flagged' or 'all' (got ${show(raw.keepSnapshots)})`);
  }
  if (overrides.keepSnapshots !== undefined && !KEEP_SNAPSHOTS.includes(overrides.keepSnapshots as KeepSnapshots)) {
    throw new HeaplensConfigError(
      `heaplens: HEAPLENS_KEEP_SNAPSHOTS must be 'flagged' or 'all' (got ${show(overrides.keepSnapshots)}). Fix it in the environment (or the --keep-snapshots flag).`,
    );
  }

  const outDirInput = overrides.outDir ?? raw.outDir ?? DEFAULT_OUT_DIR;
  if (typeof outDirInput !== 'string' || outDirInput.trim() === '') {
    fail(where, `option 'outDir' must be a directory path like '.heaplens' (got ${show(outDirInput)})`);
  }
  const outDir = resolve(root, outDirInput);
  if (outDir === resolve(root) || outDir === resolve('/')) {
    fail(where, `option 'outDir' must not be the project root or '/': heaplens replaces its contents on every run (got ${show(outDirInput)})`);
  }

  return {
    enabled: (raw.enabled as boolean | undefined) ?? true,
    root,
    outDir,
    include: include as string[],
    threshold,
    snapshots: overrides.snapshots ?? (raw.snapshots as boolean | undefined) ?? false,
    failOnLeak: overrides.failOnLeak ?? (raw.failOnLeak as boolean | undefined) ?? false,
    snapshotMaxHeap,
    snapshotTimeBudget,
    repeat: overrides.repeat ?? (raw.repeat as boolean | undefined) ?? false,
    keepSnapshots: (overrides.keepSnapshots as KeepSnapshots | undefined) ?? (raw.keepSnapshots as KeepSnapshots | undefined) ?? 'flagged',
    snapshotScopes: overrides.snapshotScopes ?? null,
  };
}
