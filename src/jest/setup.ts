/**
 * `heaplens/jest/setup`: `withHeaplens()` appends it to `setupFilesAfterEnv`.
 * It runs inside each test file's sandbox, before the file. When heaplens'
 * environment wrapper is in place there is nothing to do; when a
 * `@jest-environment` docblock replaced it for this file, it makes
 * `trackHeap()` fail with a one-line explanation instead of the generic
 * "not set up" error, and says how to keep heaplens for that file.
 */
import { findRuntime, installRuntime } from '../core/runtime.js';

if (!findRuntime(globalThis)) {
  const testPath = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.().testPath ?? 'this test file';
  installRuntime(globalThis, {
    runner: 'jest',
    track() {
      throw new Error(
        `heaplens: ${testPath} does not run in heaplens' test environment (a @jest-environment docblock replaced it), so trackHeap() cannot measure it. ` +
          'Use `@jest-environment heaplens/jest/environment` with `@jest-environment-options {"heaplens":{"environment":"jsdom"}}` instead.',
      );
    },
  });
}
