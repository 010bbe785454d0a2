import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, output, readReport, runVitest, verdicts } from './support/projects.js';
import { reportProblems } from './support/report-shape.js';

// fixtures/vitest-edge: globals on, `include` globs, top-level trackHeap(),
// failing and timed-out tests in tracked suites, hostile suite titles, and
// trackHeap() loaded through the CommonJS build.
describe('vitest edge cases', () => {
  it('measures every marked scope and names snapshots safely', async () => {
    const dir = copyFixture('vitest-4', 'vitest-edge');
    // Every pair kept: the names of ok scopes' files are what this checks.
    const result = await runVitest('vitest-4', dir, ['--pool=threads'], { env: { HEAPLENS_SNAPSHOTS: '1', HEAPLENS_KEEP_SNAPSHOTS: 'all' } });
    // Two tests fail on purpose (an assertion and a timeout).
    expect(result.code, output(result)).toBe(1);
    expect(result.stdout).toMatch(/Tests\s+2 failed \| 11 passed/);

    const report = readReport(dir);
    expect(reportProblems(report)).toEqual([]);
    expect(verdicts(report)).toEqual({
      'test/failing.test.ts :: failing suite that leaks': 'leak',
      'test/timeout.test.ts :: timed-out suite that leaks': 'leak',
      'test/top-level.test.ts :: ': 'leak',
      'test/whole-file/session-store.test.ts :: ': 'leak',
      'test/whole-file/stateless.test.ts :: ': 'ok',
      'test/titles.test.ts :: ../../../etc/passwd': 'ok',
      'test/titles.test.ts :: a/b\\c:d*e?f"g<h>i|j': 'ok',
      'test/titles.test.ts :: nul\0byte': 'ok',
      'test/titles.test.ts :: café ✓ 日本語 🚀': 'ok',
      [`test/titles.test.ts :: ${'x'.repeat(500)}`]: 'ok',
      'test/titles.test.ts :: duplicate': 'ok',
      'test/titles.test.ts :: outer > inner': 'ok',
    });
    // Two describes titled "duplicate": two scopes, four distinct files.
    const duplicates = report.scopes.filter((s) => s.suite === 'duplicate');
    expect(duplicates).toHaveLength(2);
    const names = duplicates.flatMap((s) => [s.snapshots!.before, s.snapshots!.after]);
    expect(new Set(names).size).toBe(4);

    const outDir = join(dir, '.heaplens');
    const files = readdirSync(join(outDir, 'snapshots'));
    expect(files).toHaveLength(2 * report.scopes.length);
    for (const file of files) {
      expect(file).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(file.length).toBeLessThan(200);
      expect(resolve(outDir, 'snapshots', file).startsWith(`${outDir}/snapshots/`)).toBe(true);
    }
    expect(files.some((f) => f.startsWith('test_titles.test.ts__outer_inner__'))).toBe(true);
    expect(files.some((f) => f.startsWith('test_titles.test.ts__cafe__'))).toBe(true);

    // The terminal shows a NUL in a title as an escape, never raw.
    expect(result.stdout).toContain('nul\\x00byte');
    expect(result.stdout).not.toContain('\0');
  });
});

describe('a crashed worker', () => {
  it('loses only its own scope: inconclusive, while the other file is still judged', async () => {
    const dir = copyFixture('vitest-4', 'vitest-crash');
    const result = await runVitest('vitest-4', dir, []);
    expect(result.code, output(result)).toBe(1);
    const report = readReport(dir);
    expect(reportProblems(report)).toEqual([]);
    expect(verdicts(report)).toEqual({
      'test/crash.test.ts :: worker that dies mid-suite': 'inconclusive',
      'test/survivor.test.ts :: leaking suite in another worker': 'leak',
    });
    const crashed = report.scopes.find((s) => s.verdict === 'inconclusive')!;
    expect(crashed.reason).toMatch(/worker stopped before the scope finished/);
    expect(crashed.heap).toBeNull();
  });
});

describe('several Vitest projects in one run', () => {
  it('measures each project in its own pool and writes one report', async () => {
    const dir = copyFixture('vitest-4', 'vitest-projects');
    const result = await runVitest('vitest-4', dir, []);
    expect(result.code, output(result)).toBe(0);
    const report = readReport(dir);
    expect(reportProblems(report)).toEqual([]);
    expect(verdicts(report)).toEqual({
      'integration/pool.test.ts :: connection pool that never releases': 'leak',
      'unit/pure.test.ts :: pure helpers': 'ok',
    });
    const byFile = Object.fromEntries(report.scopes.map((s) => [s.file, s.worker.threadId]));
    expect(byFile['unit/pure.test.ts']).toBe(0); // forks
    expect(byFile['integration/pool.test.ts']).toBeGreaterThan(0); // threads
    expect(result.stdout.match(/HEAPLENS/g)).toHaveLength(1);
  });
});
