import { findRuntime } from './runtime.js';

/**
 * Marks the enclosing `describe` for heap tracking, or the whole test file
 * when called at a file's top level. heaplens then measures the heap (after a
 * settled full GC) before the suite starts and after its last hook has run,
 * in the worker that runs it, and flags the suite when the heap grew.
 *
 * ```ts
 * import { trackHeap } from 'heaplens';
 * describe('price cache', () => {
 *   trackHeap();
 *   it('caches quotes', () => { ... });
 * });
 * ```
 */
export function trackHeap(): void {
  const runtime = findRuntime(globalThis);
  if (!runtime) {
    throw new Error(
      'heaplens: trackHeap() was called but heaplens is not set up for this test run. ' +
        "Add heaplens() from 'heaplens/vitest' to `plugins` in vitest.config, " +
        "or wrap your Jest config with withHeaplens() from 'heaplens/jest'.",
    );
  }
  runtime.track();
}
