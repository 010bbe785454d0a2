import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/report/schema.js';
import {
  environmentSnapshotPattern,
  JEST_LEAKS_VERDICTS,
  verdictMismatches,
  mainPidProbe,
  readMainPid,
  RETAINED_FILES,
  retainedPathProblems,
} from './support/jest-leaks.js';
import { copyFixture, output, readReport, runJest, verdicts, type EnvName, type RunResult } from './support/projects.js';
import { reportProblems } from './support/report-shape.js';

// Real Jest on fixtures/jest-leaks in each way Jest runs test files: every
// leaking suite is flagged and no clean one, the files whose environment
// outlives them (and only those) are named with the path that holds them,
// and every figure comes from the worker that ran the file.
type Kind = 'child processes' | 'worker threads' | 'in band';
const modes: Array<{ name: string; env: EnvName; version: string; args: string[]; kind: Kind }> = [
  { name: 'jest 30, child process workers (-w 2)', env: 'jest-30', version: '30.', args: ['-w', '2'], kind: 'child processes' },
  { name: 'jest 30, worker threads (--workerThreads -w 2)', env: 'jest-30', version: '30.', args: ['--workerThreads', '-w', '2'], kind: 'worker threads' },
  { name: 'jest 30, in band (-i)', env: 'jest-30', version: '30.', args: ['-i'], kind: 'in band' },
  { name: 'jest 29, child process workers (-w 2)', env: 'jest-29', version: '29.', args: ['-w', '2'], kind: 'child processes' },
  // Jest 29.7 has `workerThreads` too (added in 29.5).
  { name: 'jest 29, worker threads (--workerThreads -w 2)', env: 'jest-29', version: '29.', args: ['--workerThreads', '-w', '2'], kind: 'worker threads' },
];

describe.each(modes)('$name', ({ env, version, args, kind }) => {
  let dir: string;
  let result: RunResult;
  let report: Report;
  let mainPid: number;

  beforeAll(async () => {
    dir = copyFixture(env, 'jest-leaks');
    result = await runJest(env, dir, [...args, ...mainPidProbe(dir)]);
    try {
      report = readReport(dir);
      mainPid = readMainPid(dir);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${output(result)}`);
    }
  });

  it('passes every test, and the report conforms to the schema', () => {
    expect(result.code, output(result)).toBe(0);
    expect(result.stderr).toMatch(/Tests:\s+14 passed, 14 total/);
    expect(reportProblems(report)).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(report.runner.name).toBe('jest');
    expect(report.runner.version.startsWith(version), report.runner.version).toBe(true);
    expect(report.snapshots).toBe(false);
  });

  it('flags every leaking suite and no clean one', () => {
    expect(verdicts(report), verdictMismatches(report, dir)).toEqual(JEST_LEAKS_VERDICTS);
    for (const scope of report.scopes) {
      expect(scope.snapshots, scope.suite).toBeNull();
      expect(scope.culprits, scope.suite).toEqual([]);
      // Measured at both ends (a scope of 3 or more tests has no heap delta: its start is read without a GC).
      expect(scope.memory, scope.suite).not.toBeNull();
      expect(scope.retained, scope.suite).not.toBeNull();
      expect(scope.heap === null, scope.suite).toBe(scope.memory!.startAfterGc === false);
    }
    // 40 × 256 KiB Float64Arrays live outside the JS heap, measured in the worker that made them.
    const samples = report.scopes.find((s) => s.suite === 'sample store')!;
    expect(samples.memory!.external.growth).toBeGreaterThan(10 * 1024 * 1024 - 64 * 1024);
    expect(result.stderr).toMatch(/HEAPLENS\s+14 tracked scopes: 5 leaked, 9 ok, 3 retained environments \(threshold 1\.0 MB, snapshots off\)/);
  });

  it('records the worker that ran each scope', () => {
    const workers = report.scopes.map((s) => s.worker);
    const threadIds = new Set(workers.map((w) => w.threadId));
    const pids = new Set(workers.map((w) => w.pid));
    const workerIds = new Set(workers.map((w) => w.workerId));
    if (kind === 'child processes') {
      expect([...threadIds]).toEqual([0]);
      expect(pids.size).toBe(2);
      expect(pids.has(mainPid), `main pid ${mainPid}`).toBe(false);
      expect([...workerIds].sort()).toEqual(['1', '2']);
    } else if (kind === 'worker threads') {
      for (const w of workers) expect(w.threadId).toBeGreaterThan(0);
      expect(threadIds.size).toBe(2);
      expect([...pids]).toEqual([mainPid]);
      expect([...workerIds].sort()).toEqual(['1', '2']);
    } else {
      // In band, Jest runs every file in its own process and still sets JEST_WORKER_ID=1.
      expect(workers).toEqual(report.scopes.map(() => ({ threadId: 0, pid: mainPid, workerId: '1' })));
    }
    // One worker id is one isolate: the same pid and thread all run long.
    const isolates = new Map<string, string>();
    for (const w of workers) {
      const isolate = `${w.pid}/${w.threadId}`;
      expect(isolates.get(w.workerId!) ?? isolate, `worker ${w.workerId}`).toBe(isolate);
      isolates.set(w.workerId!, isolate);
    }
    // Every scope of a file ran in the worker that ran the file.
    for (const scope of report.scopes) {
      const first = report.scopes.find((s) => s.file === scope.file)!;
      expect(scope.worker, `${scope.file} :: ${scope.suite}`).toEqual(first.worker);
    }
  });

  it('names exactly the files that left their environment alive, with what holds each', () => {
    const retained = report.retainedEnvironments;
    expect(retained.map((e) => e.file).sort()).toEqual(RETAINED_FILES);
    for (const environment of retained) {
      expect(retainedPathProblems(environment.file, environment.path)).toEqual([]);
      expect(environment.bytes, environment.file).toBeGreaterThan(0);
      expect(environment.note, environment.file).toBeNull();
      // Checked in the worker that ran the file.
      const scope = report.scopes.find((s) => s.file === environment.file)!;
      expect(environment.worker, environment.file).toEqual(scope.worker);
    }
    for (const file of RETAINED_FILES) expect(result.stderr).toContain(`✗ ${file}`);
    for (const clean of ['test/env-cleanup.test.js', 'test/clean.test.js']) expect(result.stderr).not.toContain(`✗ ${clean}`);
    expect(result.stderr).toContain('3 test files left their environment alive');
  });

  it('writes one snapshot per retained environment, named by file and worker, and nothing else', () => {
    const expected: string[] = [];
    for (const environment of report.retainedEnvironments) {
      expect(environment.snapshot, environment.file).toMatch(environmentSnapshotPattern(environment.file, environment.worker));
      expected.push(environment.snapshot!);
    }
    const outDir = join(dir, '.heaplens');
    const onDisk = readdirSync(join(outDir, 'snapshots'))
      .map((f) => `snapshots/${f}`)
      .sort();
    expect(onDisk).toEqual(expected.sort());
    expect(report.files.map((f) => f.path).sort()).toEqual(onDisk);
  });
});
