/** What every run of fixtures/vitest-leaks must report, whatever the pool or version. */
export const LEAKS_FIXTURE_VERDICTS: Record<string, 'leak' | 'ok'> = {
  'test/array-buffers.test.ts :: sample store': 'leak',
  'test/array-buffers.test.ts :: transient sample buffers': 'ok',
  'test/clean.test.ts :: bounded cache': 'ok',
  'test/clean.test.ts :: large transient allocations': 'ok',
  'test/clean.test.ts :: small memoized history': 'ok',
  'test/clean.test.ts :: weakly held metadata': 'ok',
  'test/emitter-listeners.test.ts :: order subscribers that clean up': 'ok',
  'test/emitter-listeners.test.ts :: order subscribers that never unsubscribe': 'leak',
  'test/global-registry.test.ts :: global plugin registry': 'leak',
  'test/module-cache.test.ts :: quote cache': 'leak',
  'test/uncleared-interval.test.ts :: poller that clears its interval': 'ok',
  'test/uncleared-interval.test.ts :: poller with an uncleared interval': 'leak',
};
