/**
 * `heaplens/jest/environment`: the test environment `withHeaplens()` puts in
 * your Jest config. It wraps the environment you named (in
 * `testEnvironmentOptions.heaplens.environment`; `node` by default) and adds
 * heaplens' measuring to it.
 *
 * Hand wiring, without withHeaplens():
 * ```js
 * testEnvironment: 'heaplens/jest/environment',
 * testEnvironmentOptions: { heaplens: { environment: 'jsdom', options: { threshold: '1MB' } } },
 * ```
 */
import { CARRIER_KEY, type EnvironmentCarrier } from './carrier.js';
import { loadEnvironment, resolveEnvironmentPath } from './resolve-environment.js';
import type { EnvironmentConfig, EnvironmentContext, EnvironmentInstance } from './types.js';
import { wrapEnvironment } from './wrap-environment.js';

/** Reads heaplens' settings and hands the inner environment its own options, without heaplens'. */
function unwrapConfig(config: EnvironmentConfig): { carrier: EnvironmentCarrier; inner: EnvironmentConfig } {
  const { [CARRIER_KEY]: carrier = {}, ...rest } = config.projectConfig.testEnvironmentOptions ?? {};
  return {
    carrier: carrier as EnvironmentCarrier,
    inner: { ...config, projectConfig: { ...config.projectConfig, testEnvironmentOptions: rest } },
  };
}

export default class HeaplensTestEnvironment {
  /** Returns the wrapped environment: an instance of a subclass of the one the user named. */
  constructor(config: EnvironmentConfig, context: EnvironmentContext) {
    const { carrier, inner } = unwrapConfig(config);
    const name = carrier.environment ?? 'node';
    const Base = loadEnvironment(resolveEnvironmentPath(name, config.projectConfig.rootDir));
    const Wrapped = wrapEnvironment(Base, carrier);
    return new Wrapped(inner, context) as unknown as HeaplensTestEnvironment;
  }
}

export type { EnvironmentInstance };
