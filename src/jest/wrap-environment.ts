import { optionsFrom, type EnvironmentCarrier } from './carrier.js';
import { FileTracking } from './file-tracking.js';
import { jestVersion } from './jest-version.js';
import type { CircusEvent, CircusState, EnvironmentClass, EnvironmentConfig, EnvironmentContext, EnvironmentInstance } from './types.js';
import { workerTracking } from './worker-state.js';

const tracked = new WeakMap<EnvironmentInstance, FileTracking>();

/**
 * Subclasses the user's environment (node, jsdom or their own): everything
 * Jest uses (`global`, `getVmContext`, fake timers, `exportConditions`, their
 * own `handleTestEvent`) is theirs; heaplens only adds to setup, teardown and
 * the circus events. `carrier` holds heaplens' settings for this project.
 */
export function wrapEnvironment(Base: EnvironmentClass, carrier: EnvironmentCarrier): EnvironmentClass {
  return class HeaplensEnvironment extends Base {
    constructor(config: EnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      const { rootDir, id } = config.projectConfig;
      const options = optionsFrom(carrier.options, rootDir, 'the heaplens options in your Jest config');
      if (!options.enabled) return;
      const tracking = new FileTracking(workerTracking(options, jestVersion(rootDir)), options.root, context.testPath, id ?? '');
      tracking.install(this.global);
      tracked.set(this, tracking);
    }

    override async setup(): Promise<void> {
      await tracked.get(this)?.setUp(this.global);
      await super.setup();
    }

    override handleTestEvent(event: CircusEvent, state: CircusState): unknown {
      const own = tracked.get(this);
      const theirs = super.handleTestEvent?.bind(this);
      // Ours first when a describe starts (measured before its hooks), theirs first when it ends.
      if (event.name === 'run_describe_finish') {
        return chain(theirs?.(event, state), () => own?.onEvent(event, state));
      }
      return chain(own?.onEvent(event, state), () => theirs?.(event, state));
    }

    override async teardown(): Promise<void> {
      const own = tracked.get(this);
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
