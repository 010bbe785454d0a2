import { describe, expect, it } from 'vitest';
import { copyFixture, output, readReport, runJest, verdicts } from './support/projects.js';

// A function queued for background optimization is held, with its closure
// context, by its compile job until the job is done and installed: a suite
// that cleaned up looked like a leak of what that context held whenever the
// job outlasted the settling GCs (on busy CI machines). V8's
// --concurrent-recompilation-delay makes that deterministic: every job waits.
describe('settling the heap while background compile jobs are pending', () => {
  it('does not count what a pending compile job holds as a leak', async () => {
    const dir = copyFixture('jest-29', 'jest-leaks');
    const result = await runJest('jest-29', dir, ['-i', 'test/uncleared-interval.test.js'], {
      nodeArgs: ['--concurrent-recompilation-delay=150'],
    });
    expect(result.code, output(result)).toBe(0);
    const report = readReport(dir);
    expect(verdicts(report)).toEqual({
      'test/uncleared-interval.test.js :: poller with an uncleared interval': 'leak',
      'test/uncleared-interval.test.js :: poller that clears its interval': 'ok',
    });
  });
});
