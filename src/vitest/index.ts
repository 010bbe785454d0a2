/**
 * `heaplens/vitest`: the Vitest plugin.
 *
 * ```ts
 * import { defineConfig } from 'vitest/config';
 * import { heaplens } from 'heaplens/vitest';
 * export default defineConfig({ plugins: [heaplens({ threshold: '1MB' })] });
 * ```
 */
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import type { TestProject, Vitest } from 'vitest/node';
import { readFileFilter, readOverrides } from '../core/env.js';
import { resolveOptions, type HeaplensOptions, type ResolvedOptions } from '../core/options.js';
import { assertOutDirUsable } from '../core/out-dir.js';
import { toPosixRelative } from '../core/paths.js';
import { PROVIDE_KEY, type ProvidedHeaplens } from './provided.js';
import { HeaplensReporter, REPORTER_MARK } from './reporter.js';

export type { HeaplensOptions } from '../core/options.js';
export { HeaplensReporter } from './reporter.js';

/** The setup file ships beside this module in both builds; Vitest loads it as ESM. */
const SETUP_FILE = resolve(dirname(fileURLToPath(import.meta.url)), 'setup.js');

/**
 * The per-file setup module, served by this plugin. Vitest evaluates a setup
 * module again before every test file, but a module in node_modules (the
 * setup file) is loaded by Node once per worker, so with `isolate: false` the
 * hooks it registered at load time reached only the worker's first file.
 * This module is Vite's to evaluate (not in node_modules, so not
 * externalized): it runs for every file and calls into the setup file, which
 * keeps the worker's state. Its id is its own resolved id, so Vitest finds
 * and invalidates it before each file.
 */
const FILE_SETUP_ID = 'virtual:heaplens/file-setup';

export interface HeaplensVitestPlugin {
  readonly name: 'heaplens';
  configureVitest(context: { vitest: Vitest; project: TestProject }): void;
  resolveId(id: string): string | undefined;
  load(id: string): string | undefined;
}

/** Whether Vitest imports modules natively, without Vite (Vitest 5's `experimental.viteModuleRunner: false`). */
function nativeModules(project: TestProject): boolean {
  return (project.config as { experimental?: { viteModuleRunner?: boolean } }).experimental?.viteModuleRunner === false;
}

/** Project-relative test files matched by the `include` globs. */
function resolveInclude(options: ResolvedOptions): string[] {
  if (options.include.length === 0) return [];
  return fg.sync([...options.include], { cwd: options.root, onlyFiles: true, ignore: ['**/node_modules/**'] });
}

/**
 * The CLI's re-run with snapshots runs only the listed files (HEAPLENS_FILES):
 * they become the project's `include` globs (escaped, relative to its `dir`),
 * so its `exclude` and the command line's filters still apply.
 */
export function onlyFiles(files: readonly string[], root: string, dir: string): string[] {
  return files.map((f) => fg.escapePath(toPosixRelative(dir, resolve(root, f))));
}

/**
 * The heaplens plugin: adds its setup file (first) and its reporter (after
 * yours) through Vitest's `configureVitest` hook, and hands the resolved
 * options to every worker. Put `trackHeap()` in the suites to measure, or list
 * whole files with `include`.
 */
export function heaplens(userOptions?: HeaplensOptions): HeaplensVitestPlugin {
  return {
    name: 'heaplens',
    resolveId(id) {
      return id === FILE_SETUP_ID ? FILE_SETUP_ID : undefined;
    },
    load(id) {
      if (id !== FILE_SETUP_ID) return undefined;
      return `import { registerFileHooks } from ${JSON.stringify(SETUP_FILE.replace(/\\/g, '/'))};\nregisterFileHooks();\n`;
    },
    configureVitest({ vitest, project }) {
      const configFile = project.vite.config.configFile;
      const where = configFile ? relative(process.cwd(), configFile) || configFile : 'vitest.config';
      // A HeaplensConfigError prints as its one-line message (see its inspect hook).
      const own = resolveOptions(userOptions, project.config.root, readOverrides(process.env, process.argv), where);
      const reporters = vitest.config.reporters as unknown[];
      const existing = reporters.find(
        (r): r is HeaplensReporter => typeof r === 'object' && r !== null && REPORTER_MARK in r,
      );
      // One run, one report: with several Vitest projects, the first project's
      // run-level settings (outDir, threshold, snapshots, failOnLeak) apply to
      // all; `include` and `enabled` stay per project.
      const options: ResolvedOptions = existing
        ? { ...existing.options, root: own.root, include: own.include, enabled: own.enabled }
        : own;
      // Fail before any test runs if outDir is not ours to replace (the reporter prepares it when the run starts).
      assertOutDirUsable(options.outDir);
      const files = readFileFilter(process.env);
      if (files) project.config.include = onlyFiles(files, options.root, project.config.dir || project.config.root);
      const registerOnLoad = nativeModules(project);
      const setupFile = registerOnLoad ? SETUP_FILE : FILE_SETUP_ID;
      if (!project.config.setupFiles.includes(setupFile)) project.config.setupFiles.unshift(setupFile);
      const provided: ProvidedHeaplens = {
        options,
        includeFiles: resolveInclude(options),
        vitestVersion: vitest.version,
        registerOnLoad,
      };
      (project.provide as (key: string, value: unknown) => void)(PROVIDE_KEY, provided);
      if (!existing) reporters.push(new HeaplensReporter(options));
    },
  };
}

export default heaplens;
