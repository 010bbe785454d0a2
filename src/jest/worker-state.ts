import { threadId } from 'node:worker_threads';
import fg from 'fast-glob';
import { createEnvironmentWatch, type EnvironmentWatch } from '../core/environment-watch.js';
import type { WorkerIdentity } from '../core/naming.js';
import type { ResolvedOptions } from '../core/options.js';
import { createScopeTracker, type ScopeTracker } from '../core/scope-tracker.js';
import { createRuntimeSourceMaps, type RuntimeSourceMaps } from './runtime-source-maps.js';

/** What one Jest worker shares between the test files it runs, per set of options. */
export interface WorkerTracking {
  readonly worker: WorkerIdentity;
  readonly tracker: ScopeTracker;
  readonly watch: EnvironmentWatch;
  /** The running file's source maps, from Jest's runtime (set by heaplens' test runner). */
  readonly sourceMaps: RuntimeSourceMaps;
  /** The repeat pass (option `repeat`). */
  readonly repeat: boolean;
  /** Project-relative files matched by `include` (globbed once per worker). */
  readonly included: ReadonlySet<string>;
}

const KEY = Symbol.for('heaplens.jest.worker');
type Holder = { [KEY]?: Map<string, WorkerTracking> };

/**
 * One tracker and one environment watch per worker (process, thread, or the
 * main process when Jest runs in band): the environment check of one file
 * must finish before the next file's is measured, and the allocation sampler
 * is one inspector session per isolate. Jest loads this module once per
 * worker, but another copy (ESM and CJS builds) must find the same state, so
 * it lives on the worker's own global object under a registered symbol.
 */
export function workerTracking(options: ResolvedOptions, jestVersion: string): WorkerTracking {
  const holder = globalThis as Holder;
  const all = (holder[KEY] ??= new Map());
  const key = JSON.stringify(options);
  let tracking = all.get(key);
  if (!tracking) {
    const worker: WorkerIdentity = { threadId, pid: process.pid, workerId: process.env.JEST_WORKER_ID ?? null };
    const runner = { name: 'jest', version: jestVersion } as const;
    const sourceMaps = createRuntimeSourceMaps();
    tracking = {
      worker,
      tracker: createScopeTracker({ options, runner, worker, sourceMapOf: (url) => sourceMaps.lookup(url) }),
      sourceMaps,
      watch: createEnvironmentWatch({ options, runner, worker }),
      repeat: options.repeat,
      included: new Set(
        options.include.length === 0
          ? []
          : fg.sync([...options.include], { cwd: options.root, onlyFiles: true, ignore: ['**/node_modules/**'] }),
      ),
    };
    all.set(key, tracking);
  }
  return tracking;
}
