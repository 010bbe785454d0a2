import { readOverrides } from '../core/env.js';
import { resolveOptions, type HeaplensOptions, type ResolvedOptions } from '../core/options.js';

/**
 * How heaplens' settings travel through a Jest config. Jest copies the project
 * config into every worker, so the environment wrapper reads them from
 * `testEnvironmentOptions.heaplens`; the reporter gets them as its options.
 * `withHeaplens()` puts resolved options there (resolved once, in the main
 * process); hand-written configs may put plain options, resolved where read.
 */
export interface EnvironmentCarrier {
  /** The environment heaplens wraps: `node` (default), `jsdom`, a package name or a path. */
  readonly environment?: string;
  readonly options?: HeaplensOptions | ResolvedCarrierOptions;
  /**
   * The test runner heaplens' own (runner.ts) hands each file to: jest-circus' runner, as Jest
   * resolves it. Set by withHeaplens() when the config names no other runner.
   */
  readonly testRunner?: string;
}

/** The environment method heaplens' test runner hands Jest's source map registry to (a registered symbol: the ESM and CJS builds share it). */
export const USE_SOURCE_MAPS = Symbol.for('heaplens.jest.useSourceMaps');

/** Options already resolved by `withHeaplens()`. */
export interface ResolvedCarrierOptions {
  readonly resolved: ResolvedOptions;
}

export const CARRIER_KEY = 'heaplens';

export function isResolved(value: unknown): value is ResolvedCarrierOptions {
  return typeof value === 'object' && value !== null && 'resolved' in value && typeof (value as ResolvedCarrierOptions).resolved === 'object';
}

/** The options a worker or the reporter works with. */
export function optionsFrom(value: unknown, root: string, where: string): ResolvedOptions {
  if (isResolved(value)) return value.resolved;
  return resolveOptions(value, root, readOverrides(process.env, process.argv), where);
}
