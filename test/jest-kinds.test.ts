import { describe, expect, it } from 'vitest';
import { DEFERRED_SUITES, deferredSuites, kindProblems } from './support/kinds.js';
import { mainPidProbe, readMainPid, snapshotPid } from './support/jest-leaks.js';
import { copyFixture, output, readReport, runJest, type EnvName } from './support/projects.js';
import { debuggerProbe } from './support/debugger-probe.js';

const RUNS: Array<[EnvName, string[]]> = [
  ['jest-30', ['-w', '2']],
  ['jest-30', ['-w', '2', '--workerThreads']],
  ['jest-30', ['--runInBand']],
  ['jest-29', ['-w', '2']],
];

describe('verdicts from repetition (fixtures/jest-kinds)', () => {
  it.each(RUNS)('%s %j: leaks, warm-up, a bounded cache and a clean suite, each with its site', async (env, args) => {
    const dir = copyFixture(env, 'jest-kinds');
    const probe = debuggerProbe(dir);
    const result = await runJest(env, dir, args, { env: probe.env });
    expect(result.code, output(result)).toBe(0);
    expect(kindProblems(readReport(dir), 'js'), output(result)).toEqual([]);
    // Sites are mapped with Jest's own source maps, handed over by heaplens' test runner: the debugger,
    // whose Debugger.enable sends every script and empties V8's compilation cache, is never enabled.
    expect(probe.posted()).toEqual([]);
    expect(deferredSuites(dir)).toEqual(DEFERRED_SUITES);
    expect(result.stderr).toMatch(/HEAPLENS\s+16 tracked scopes: 8 leaked, 2 one-time, 1 bounded, 5 ok/);
  });

  it('gives the same verdicts with snapshots on, and each leak\'s first culprit with its growing site', async () => {
    const dir = copyFixture('jest-30', 'jest-kinds');
    const result = await runJest('jest-30', dir, ['-w', '2', ...mainPidProbe(dir)], { cli: ['--heap-snapshots'] });
    expect(result.code, output(result)).toBe(0);
    const explained = readReport(dir).scopes.filter((s) => s.verdict === 'leak' && s.snapshots);
    expect(explained.length).toBe(8);
    // The files run again are few and fast, which Jest runs in band, in its main process (the probe wrote
    // the second run's pid last). They ran in workers, as in the first run (HEAPLENS_IN_WORKERS).
    const pids = new Set(explained.map((s) => snapshotPid(s.snapshots!.after)));
    expect(pids.size, [...pids].join(' ')).toBeGreaterThan(0);
    expect(pids.has(readMainPid(dir)), [...pids].join(' ')).toBe(false);
    for (const pid of pids) expect(pid).toBeGreaterThan(0);
    expect(kindProblems(readReport(dir), 'js'), output(result)).toEqual([]);
    expect(result.stderr).toMatch(/1\. routeHandler \(closure\) ×5,700, retains [\d.]+ MB, allocated at src\/handlers\.js:4:\d+ in \d+ tests/);
  });
});
