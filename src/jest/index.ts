/**
 * `heaplens/jest`: wires heaplens into a Jest config.
 *
 * ```js
 * // jest.config.js
 * const { withHeaplens } = require('heaplens/jest');
 * module.exports = withHeaplens({ testEnvironment: 'node' }, { threshold: '1MB' });
 * ```
 */
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inWorkersRequested, readFileFilter, readOverrides } from '../core/env.js';
import { resolveOptions, type HeaplensOptions } from '../core/options.js';
import { assertOutDirUsable } from '../core/out-dir.js';
import { CARRIER_KEY, type EnvironmentCarrier } from './carrier.js';
import { circusRunnerPath } from './resolve-runner.js';

export type { HeaplensOptions } from '../core/options.js';
export { default as HeaplensJestReporter } from './reporter.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The pieces withHeaplens() wires in; CommonJS builds, which every Jest version loads. */
export const REPORTER_PATH = join(here, 'reporter.cjs');
export const SETUP_PATH = join(here, 'setup.cjs');
export const ENVIRONMENT_PATH = join(here, 'environment.cjs');
export const RUNNER_PATH = join(here, 'runner.cjs');

/** The subset of a Jest config (or of one of its `projects`) withHeaplens() reads and writes. */
export interface JestConfigLike {
  rootDir?: string;
  testEnvironment?: string;
  testEnvironmentOptions?: Record<string, unknown>;
  setupFilesAfterEnv?: string[];
  reporters?: unknown[];
  projects?: unknown[];
  [key: string]: unknown;
}

type ConfigInput<C> = C | (() => C | Promise<C>);

/** What withHeaplens() always sets on the config it returns. */
export type WithHeaplens<C> = C & Required<Pick<JestConfigLike, 'reporters' | 'setupFilesAfterEnv' | 'testEnvironment' | 'testEnvironmentOptions'>>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The CLI's re-run with snapshots runs only the listed files (HEAPLENS_FILES):
 * one more `testPathIgnorePatterns` entry that ignores every other path, so
 * the project's own patterns (and Jest's default) still apply.
 */
export function onlyFiles(ignore: readonly string[] | undefined, files: readonly string[], root: string): string[] {
  const paths = files.map((f) => escapeRegExp(resolve(root, f)));
  return [...(ignore ?? ['/node_modules/']), `^(?!(?:${paths.join('|')})$)`];
}

/**
 * The `modulePathIgnorePatterns` entry that keeps outDir out of Jest's haste
 * map. heaplens writes JSON records there during every run, and JSON is a
 * module extension to Jest: without it, each run found "changed modules" in
 * outDir and started worker processes to re-read them before the first test
 * (on the bench, a third of the environment check's cost). Nothing in outDir
 * is ever required by a test.
 */
export function outDirIgnorePattern(outDir: string): string {
  return `^${escapeRegExp(outDir + sep)}`;
}

/**
 * The CLI's re-run with snapshots runs a few files, and Jest runs up to 20
 * files in band when its timing cache says they are fast (shouldRunInBand in
 * @jest/core) — so the re-run of files that ran in workers would run them in
 * the main process, one after the other: snapshots of a bigger heap (Jest's
 * own modules, the haste map), none of them written in parallel. On the
 * bench's leaky suite: 4 snapshots of 23–41 MB in band against 20–33 MB in
 * two workers, 15.5 s against 12.2 s for the whole `--heap-snapshots` run.
 * Jest 29 and 30 use workers whenever `workerIdleMemoryLimit` is set (unless
 * the command says `--runInBand`); a limit no worker reaches restarts none.
 */
export const NO_WORKER_RESTART = Number.MAX_SAFE_INTEGER;

function wrapProject<C extends JestConfigLike>(
  project: C,
  carrier: EnvironmentCarrier,
  outDirIgnored: string,
  files: { list: readonly string[]; root: string } | null,
  projectRoot: string,
): C {
  if (project.testEnvironment === ENVIRONMENT_PATH || project.testEnvironment === 'heaplens/jest/environment') return project;
  // heaplens' test runner wraps jest-circus' to hand each file Jest's source maps (runner.ts); a config
  // that names another runner keeps it, and sites are then mapped through the debugger.
  const testRunner = circusRunnerPath(project.testRunner, projectRoot);
  const setup = project.setupFilesAfterEnv ?? [];
  const ignore = project.testPathIgnorePatterns as string[] | undefined;
  const modulesIgnored = (project.modulePathIgnorePatterns as string[] | undefined) ?? [];
  return {
    ...project,
    modulePathIgnorePatterns: modulesIgnored.includes(outDirIgnored) ? modulesIgnored : [...modulesIgnored, outDirIgnored],
    ...(files ? { testPathIgnorePatterns: onlyFiles(ignore, files.list, files.root) } : {}),
    testEnvironment: ENVIRONMENT_PATH,
    ...(testRunner ? { testRunner: RUNNER_PATH } : {}),
    testEnvironmentOptions: {
      ...project.testEnvironmentOptions,
      [CARRIER_KEY]: { ...carrier, environment: project.testEnvironment ?? 'node', ...(testRunner ? { testRunner } : {}) },
    },
    setupFilesAfterEnv: setup.includes(SETUP_PATH) ? setup : [...setup, SETUP_PATH],
  };
}

/**
 * The folder of the file that called withHeaplens(), i.e. the Jest config
 * file: Jest's default rootDir, and what a relative rootDir is relative to.
 */
function callerDirectory(): string | null {
  for (const line of (new Error().stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^()]*?):\d+:\d+\)?$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith(here)) continue; // heaplens itself
    return dirname(file);
  }
  return null;
}

function wrap<C extends JestConfigLike>(config: C, options: HeaplensOptions | undefined, configDir: string): WithHeaplens<C> {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError('heaplens: withHeaplens(config) needs your Jest config object (or a function returning it) as its first argument.');
  }
  const root = resolve(configDir, config.rootDir ?? '.');
  // A HeaplensConfigError prints as its one-line message.
  const resolved = resolveOptions(options, root, readOverrides(process.env, process.argv), 'the withHeaplens() options in your Jest config');
  assertOutDirUsable(resolved.outDir);
  const carrier: EnvironmentCarrier = { options: { resolved } };
  const outDirIgnored = outDirIgnorePattern(resolved.outDir);
  const reporters = config.reporters ?? ['default'];
  const hasReporter = reporters.some((r) => (Array.isArray(r) ? r[0] : r) === REPORTER_PATH);
  const list = readFileFilter(process.env);
  const files = list ? { list, root } : null;
  const projects = config.projects?.map((p) => (typeof p === 'object' && p !== null ? wrapProject(p as JestConfigLike, carrier, outDirIgnored, files, resolve(root, (p as JestConfigLike).rootDir ?? '.')) : p));
  const inWorkers = files !== null && inWorkersRequested(process.env) && config.workerIdleMemoryLimit === undefined;
  const wrapped = {
    ...wrapProject(config, carrier, outDirIgnored, files, root),
    ...(projects ? { projects } : {}),
    ...(inWorkers ? { workerIdleMemoryLimit: NO_WORKER_RESTART } : {}),
    reporters: hasReporter ? reporters : [...reporters, [REPORTER_PATH, { resolved }]],
  };
  return wrapped as WithHeaplens<C>;
}

/**
 * Returns your Jest config with heaplens wired in: its reporter appended to
 * yours, its setup file appended to `setupFilesAfterEnv`, and your test
 * environment (`node` when you name none, `jsdom`, or your own) wrapped so
 * that marked suites are measured and retained environments explained.
 * Accepts the config object or a (possibly async) function returning it.
 * Paths in `options` are relative to the config's rootDir, which defaults to
 * the config file's folder, as in Jest.
 */
export function withHeaplens<C extends JestConfigLike>(config: C, options?: HeaplensOptions): WithHeaplens<C>;
export function withHeaplens<C extends JestConfigLike>(config: () => C | Promise<C>, options?: HeaplensOptions): () => Promise<WithHeaplens<C>>;
export function withHeaplens<C extends JestConfigLike>(config: ConfigInput<C>, options?: HeaplensOptions): WithHeaplens<C> | (() => Promise<WithHeaplens<C>>) {
  const configDir = callerDirectory() ?? process.cwd();
  if (typeof config === 'function') return async () => wrap(await config(), options, configDir);
  return wrap(config, options, configDir);
}

export default withHeaplens;
