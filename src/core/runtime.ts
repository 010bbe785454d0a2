/**
 * The bridge between `trackHeap()` (imported by test files) and the runner
 * adapter's setup file, inside one worker.
 *
 * They can be two copies of heaplens (ESM and CJS builds, or a test file that
 * the runner loads in a fresh vm context per file), so they meet on the test
 * file's global object under a registered symbol — the same way test runners
 * share `expect` state. The setup file installs a runtime there before the test
 * file is collected; nothing else is stored globally.
 */
export interface HeaplensRuntime {
  readonly runner: 'vitest' | 'jest';
  /** Marks the suite being collected (or the whole file, at top level). */
  track(): void;
}

export const RUNTIME_KEY: unique symbol = Symbol.for('heaplens.runtime') as never;

type Holder = { [RUNTIME_KEY]?: HeaplensRuntime };

export function installRuntime(target: object, runtime: HeaplensRuntime): void {
  Object.defineProperty(target, RUNTIME_KEY, { value: runtime, configurable: true, enumerable: false, writable: true });
}

export function findRuntime(target: object): HeaplensRuntime | undefined {
  return (target as Holder)[RUNTIME_KEY];
}
