import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';

/** The names Jest takes for its default runner, jest-circus' (jest-config's normalize). */
const CIRCUS_NAMES = new Set(['circus', 'jest-circus', 'jest-circus/runner']);
const JEST_CONFIG_ENTRY = /[\\/]jest-config[\\/]build[\\/]index\.js$/;
const CIRCUS_RUNNER_FILE = /[\\/]jest-circus[\\/]runner(?:\.js)?$/;

/**
 * The path of jest-circus' runner as Jest resolves it for a config whose `testRunner` is `configured`, or
 * null when the config names another runner or none can be found. Jest resolves its default runner from
 * jest-config's own folder: while Jest reads the config file, jest-config is among the loaded modules
 * (`loaded`), which finds the runner of the Jest that runs, in any package layout (pnpm's too); else the
 * project's rootDir.
 */
export function circusRunnerPath(configured: unknown, rootDir: string, loaded: readonly string[] = Object.keys(createRequire(import.meta.url).cache)): string | null {
  // A path to circus' runner itself (`require.resolve('jest-circus/runner')` in the config) is taken as it is.
  if (typeof configured === 'string' && isAbsolute(configured) && CIRCUS_RUNNER_FILE.test(configured)) return configured;
  if (configured !== undefined && !(typeof configured === 'string' && CIRCUS_NAMES.has(configured))) return null;
  const from = [...loaded.filter((path) => JEST_CONFIG_ENTRY.test(path)), join(rootDir, 'package.json')];
  for (const base of from) {
    try {
      return createRequire(base).resolve('jest-circus/runner');
    } catch {
      // Not from there: the next place.
    }
  }
  return null;
}
