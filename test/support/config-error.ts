import { expect } from 'vitest';
import { HeaplensConfigError } from '../../src/core/options.js';

/** The HeaplensConfigError `run` throws; fails the test when it throws nothing or something else. */
export function configErrorOf(run: () => unknown): HeaplensConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HeaplensConfigError);
    return error as HeaplensConfigError;
  }
  throw new Error('expected a HeaplensConfigError, but nothing was thrown');
}
