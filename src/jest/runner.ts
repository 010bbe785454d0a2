/**
 * `heaplens/jest/runner`: the `testRunner` withHeaplens() puts in a Jest config
 * that names none (or jest-circus). It hands the file's environment Jest's
 * source map registry (`runtime.getSourceMaps()`, see runtime-source-maps.ts),
 * which only a test runner is given, then runs the file with jest-circus'
 * runner, as Jest would have: same arguments, same result.
 */
import { createRequire } from 'node:module';
import { CARRIER_KEY, USE_SOURCE_MAPS, type EnvironmentCarrier } from './carrier.js';

interface RuntimeLike {
  getSourceMaps?(): ReadonlyMap<string, string> | undefined;
}
interface ProjectConfigLike {
  readonly testEnvironmentOptions?: Record<string, unknown>;
}
type Runner = (...args: unknown[]) => Promise<unknown>;

/** The runner heaplens' hands the file to; a missing one is a config mistake, named with its fix. */
export function innerRunnerPath(config: ProjectConfigLike): string {
  const carrier = config.testEnvironmentOptions?.[CARRIER_KEY] as EnvironmentCarrier | undefined;
  if (typeof carrier?.testRunner === 'string' && carrier.testRunner !== '') return carrier.testRunner;
  throw new Error(
    "heaplens: testRunner 'heaplens/jest/runner' needs the runner to hand each file to in testEnvironmentOptions.heaplens.testRunner " +
      "(require.resolve('jest-circus/runner')); withHeaplens() sets both.",
  );
}

export default async function heaplensTestRunner(
  globalConfig: unknown,
  config: ProjectConfigLike,
  environment: Partial<Record<typeof USE_SOURCE_MAPS, (registry: ReadonlyMap<string, string>) => void>>,
  runtime: RuntimeLike,
  ...rest: unknown[]
): Promise<unknown> {
  const loaded = createRequire(import.meta.url)(innerRunnerPath(config)) as Runner | { default: Runner };
  const run = typeof loaded === 'function' ? loaded : loaded.default;
  const registry = typeof runtime.getSourceMaps === 'function' ? runtime.getSourceMaps() : undefined;
  if (registry) environment[USE_SOURCE_MAPS]?.(registry);
  return run(globalConfig, config, environment, runtime, ...rest);
}
