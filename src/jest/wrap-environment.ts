import { optionsFrom, USE_SOURCE_MAPS, type EnvironmentCarrier } from './carrier.js';
import { FileTracking } from './file-tracking.js';
import { jestVersion } from './jest-version.js';
import type { CircusEvent, CircusState, EnvironmentClass, EnvironmentConfig, EnvironmentContext } from './types.js';
import { workerTracking } from './worker-state.js';

/**
 * Subclasses the user's environment (node, jsdom or their own): everything
 * Jest uses (`global`, `getVmContext`, fake timers, `exportConditions`, their
 * own `handleTestEvent`) is theirs; heaplens only adds to setup, teardown and
 * the circus events. `carrier` holds heaplens' settings for this project.
 */
export function wrapEnvironment(Base: EnvironmentClass, carrier: EnvironmentCarrier): EnvironmentClass {
  return class HeaplensEnvironment extends Base {
    /** heaplens' part of this file's environment; null when heaplens is disabled. */
    readonly #tracking: FileTracking | null = null;

    constructor(config: EnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      const { rootDir, id } = config.projectConfig;
      const options = optionsFrom(carrier.options, rootDir, 'the heaplens options in your Jest config');
      if (!options.enabled) return;
      this.#tracking = new FileTracking(workerTracking(options, jestVersion(rootDir)), options.root, context.testPath, id ?? '');
      this.#tracking.install(this.global);
    }

    /** Called by heaplens' test runner (runner.ts) with Jest's source map registry for this file. */
    [USE_SOURCE_MAPS](registry: ReadonlyMap<string, string>): void {
      this.#tracking?.useSourceMaps(registry);
    }

    override async setup(): Promise<void> {
      await this.#tracking?.setUp(this.global);
      await super.setup();
    }

    override handleTestEvent(event: CircusEvent, state: CircusState): unknown {
      const own = this.#tracking;
      const theirs = super.handleTestEvent?.bind(this);
      // Ours first when a describe starts (measured before its hooks), theirs first when it ends.
      if (event.name === 'run_describe_finish') {
        return chain(theirs?.(event, state), () => own?.onEvent(event, state));
      }
      return chain(own?.onEvent(event, state), () => theirs?.(event, state));
    }

    override async teardown(): Promise<void> {
      const own = this.#tracking;
      try {
        await own?.closeAll();
      } finally {
        await super.teardown();
        await own?.tornDown();
      }
    }
  };
}

/** Runs `next` after `first`, staying synchronous when `first` is (circus ignores results of its synchronous events). */
function chain(first: unknown, next: () => unknown): unknown {
  if (first instanceof Promise) return first.then(next);
  return next();
}
