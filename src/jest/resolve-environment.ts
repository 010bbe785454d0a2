import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { HeaplensConfigError } from '../core/options.js';
import type { EnvironmentClass } from './types.js';

/** Where resolution starts: the project, then Jest's own install (pnpm does not hoist jest-environment-node). */
function requirers(rootDir: string): NodeJS.Require[] {
  const fromRoot = createRequire(join(rootDir, 'package.json'));
  const list = [fromRoot];
  for (const anchor of ['jest-config/package.json', 'jest/package.json']) {
    try {
      list.push(createRequire(fromRoot.resolve(anchor)));
    } catch {
      // Not installed where the project can see it: the project's own resolution is all we have.
    }
  }
  return list;
}

/**
 * Resolves a `testEnvironment` value the way Jest does: `jest-environment-<name>`
 * first, then `<name>` as a package or a path (relative to rootDir,
 * `<rootDir>` expanded).
 */
export function resolveEnvironmentPath(name: string, rootDir: string): string {
  const value = name.replace(/<rootDir>/g, rootDir);
  const candidates = value.startsWith('.') || isAbsolute(value)
    ? [resolve(rootDir, value)]
    : [`jest-environment-${value}`, value];
  for (const req of requirers(rootDir)) {
    for (const candidate of candidates) {
      try {
        return req.resolve(candidate);
      } catch {
        // try the next one
      }
    }
  }
  const hint = value === 'jsdom' ? ' (jest-environment-jsdom is a separate package since Jest 28: npm i -D jest-environment-jsdom)' : '';
  throw new HeaplensConfigError(
    `heaplens: cannot find the test environment '${name}' that heaplens wraps${hint}; install it or fix testEnvironment in your Jest config.`,
  );
}

/** Loads an environment class: the module's `TestEnvironment`, its default export, or the module itself. */
export function loadEnvironment(path: string): EnvironmentClass {
  let loaded: Record<string, unknown> | EnvironmentClass;
  try {
    loaded = createRequire(path)(path) as Record<string, unknown> | EnvironmentClass;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') {
      throw new HeaplensConfigError(
        `heaplens: cannot wrap the test environment ${path}: it is an ES module, and a wrapped environment must be loadable with require(); give it a CommonJS build.`,
      );
    }
    throw error;
  }
  const candidates = [
    (loaded as Record<string, unknown>).TestEnvironment,
    (loaded as Record<string, unknown>).default,
    loaded,
  ];
  const found = candidates.find((c): c is EnvironmentClass => typeof c === 'function');
  if (!found) throw new HeaplensConfigError(`heaplens: ${path} does not export a test environment class; check testEnvironment in your Jest config.`);
  return found;
}
