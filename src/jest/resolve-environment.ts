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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = createRequire(path)(path) as Record<string, unknown> | EnvironmentClass;
  const candidates = [
    (loaded as Record<string, unknown>).TestEnvironment,
    (loaded as Record<string, unknown>).default,
    loaded,
  ];
  const found = candidates.find((c): c is EnvironmentClass => typeof c === 'function');
  if (!found) throw new HeaplensConfigError(`heaplens: ${path} does not export a test environment class; check testEnvironment in your Jest config.`);
  return found;
}
