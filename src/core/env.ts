import { readFileSync } from 'node:fs';
import { HeaplensConfigError, type Overrides, type SnapshotScope } from './options.js';

/** Environment variables heaplens reads. The CLI sets them for the command it runs. */
export const ENV = {
  snapshots: 'HEAPLENS_SNAPSHOTS',
  failOnLeak: 'HEAPLENS_FAIL_ON_LEAK',
  outDir: 'HEAPLENS_OUT_DIR',
  repeat: 'HEAPLENS_REPEAT',
  keepSnapshots: 'HEAPLENS_KEEP_SNAPSHOTS',
  /** Where the reporter tells the `heaplens` CLI which report it wrote. */
  handshake: 'HEAPLENS_HANDSHAKE',
  /** Set by the CLI, which prints the report itself: the reporter only writes it. */
  quiet: 'HEAPLENS_QUIET',
  /**
   * Set by the CLI for its re-run with snapshots: a JSON file listing the
   * test files to run (project-relative); the adapters run only those.
   */
  files: 'HEAPLENS_FILES',
  /**
   * Set by the CLI for the same run: a JSON file listing the scopes (as
   * `[file, suite]` pairs) that get snapshots; the others run without.
   */
  snapshotScopes: 'HEAPLENS_SNAPSHOT_SCOPES',
  /**
   * Set by the CLI for the same run when the first run's files ran in worker
   * processes or threads: the Jest adapter keeps Jest from running the few
   * files of the second run in band (see withHeaplens()).
   */
  inWorkers: 'HEAPLENS_IN_WORKERS',
} as const;

/** The flag users pass after `--` (`vitest run -- --heap-snapshots`). */
export const SNAPSHOT_FLAG = '--heap-snapshots';

function flag(value: string | undefined): boolean | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  return !/^(0|false|no|off)$/i.test(text);
}

/** Overrides from the environment and from `-- --heap-snapshots` in argv. */
export function readOverrides(env: NodeJS.ProcessEnv, argv: readonly string[]): Overrides {
  const dashDash = argv.indexOf('--');
  const passed = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  const snapshots = passed.includes(SNAPSHOT_FLAG) ? true : flag(env[ENV.snapshots]);
  const failOnLeak = passed.includes('--fail-on-leak') ? true : flag(env[ENV.failOnLeak]);
  const outDir = env[ENV.outDir] || undefined;
  const repeat = passed.includes('--heap-repeat') ? true : flag(env[ENV.repeat]);
  const keepSnapshots = env[ENV.keepSnapshots]?.trim() || undefined;
  const snapshotScopes = readSnapshotScopes(env);
  return {
    ...(snapshots === undefined ? {} : { snapshots }),
    ...(failOnLeak === undefined ? {} : { failOnLeak }),
    ...(outDir === undefined ? {} : { outDir }),
    ...(repeat === undefined ? {} : { repeat }),
    ...(keepSnapshots === undefined ? {} : { keepSnapshots }),
    ...(snapshotScopes === null ? {} : { snapshotScopes }),
  };
}

/**
 * The JSON in the file environment variable `name` points at, or a one-line HeaplensConfigError naming
 * the file (`what` before its path) and what unsetting the variable does (`without`).
 */
function readListFile(name: string, path: string, what: string, without: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new HeaplensConfigError(`heaplens: cannot read ${what}${path} (${name}): ${(error as Error).message}; unset ${name} to ${without}.`);
  }
}

/** The scopes HEAPLENS_SNAPSHOT_SCOPES gives snapshots to, or null when it is not set (see ENV.snapshotScopes). */
export function readSnapshotScopes(env: NodeJS.ProcessEnv): SnapshotScope[] | null {
  const path = env[ENV.snapshotScopes]?.trim();
  if (!path) return null;
  const scopes = readListFile(ENV.snapshotScopes, path, '', 'do without it');
  const pair = (p: unknown) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && p[0] !== '' && typeof p[1] === 'string';
  if (!Array.isArray(scopes) || !scopes.every(pair)) {
    throw new HeaplensConfigError(`heaplens: ${path} (${ENV.snapshotScopes}) must hold a JSON list of [file, suite] pairs; unset ${ENV.snapshotScopes} to snapshot every scope.`);
  }
  return scopes as SnapshotScope[];
}

/** Whether the reporter leaves printing the report to the `heaplens` CLI. */
export function quietReport(env: NodeJS.ProcessEnv): boolean {
  return flag(env[ENV.quiet]) === true;
}

/** Whether HEAPLENS_IN_WORKERS asks the runner to run the test files in workers. */
export function inWorkersRequested(env: NodeJS.ProcessEnv): boolean {
  return flag(env[ENV.inWorkers]) === true;
}

/**
 * The test files HEAPLENS_FILES restricts the run to (project-relative, `/`
 * separators), or null when it is not set. A file that cannot be read or
 * does not hold a list of paths is a one-line HeaplensConfigError.
 */
export function readFileFilter(env: NodeJS.ProcessEnv): string[] | null {
  const path = env[ENV.files]?.trim();
  if (!path) return null;
  const files = readListFile(ENV.files, path, 'the test file list ', 'run every test file');
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && f !== '')) {
    throw new HeaplensConfigError(`heaplens: ${path} (${ENV.files}) must hold a JSON list of test file paths; unset ${ENV.files} to run every test file.`);
  }
  return files as string[];
}
