import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NOT_RERUN } from '../src/report/merge-explained.js';
import type { Report } from '../src/report/schema.js';
import { JEST_LEAKS_VERDICTS, RETAINED_FILES, verdictMismatches } from './support/jest-leaks.js';
import { copyFixture, output, readReport, runJest, verdicts, type RunResult } from './support/projects.js';
import { reportProblems } from './support/report-shape.js';

const FAILING = /failing the run because/;

// failOnLeak with real Jest 30: every test passes, so only heaplens can make the run fail.
describe('jest 30, HEAPLENS_FAIL_ON_LEAK=1 on the whole fixture', () => {
  let dir: string;
  let result: RunResult;
  let report: Report;

  beforeAll(async () => {
    dir = copyFixture('jest-30', 'jest-leaks');
    result = await runJest('jest-30', dir, ['-w', '2'], { env: { HEAPLENS_FAIL_ON_LEAK: '1' } });
    try {
      report = readReport(dir);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${output(result)}`);
    }
  });

  it('fails the run although every test passed, and says why', () => {
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toMatch(/Test Suites:\s+9 passed, 9 total/);
    expect(result.stderr).toMatch(/Tests:\s+14 passed, 14 total/);
    expect(result.stderr).toMatch(
      /^heaplens: failing the run because 5 tracked scopes leaked and 3 test files left their environment alive \(failOnLeak is on\)$/m,
    );
    // Said once, by the reporter.
    expect(result.stderr.match(/failing the run because/g)).toHaveLength(1);
  });

  it('still writes the whole report', () => {
    expect(reportProblems(report)).toEqual([]);
    expect(verdicts(report), verdictMismatches(report, dir)).toEqual(JEST_LEAKS_VERDICTS);
    expect(report.retainedEnvironments.map((e) => e.file).sort()).toEqual(RETAINED_FILES);
  });
});

describe('jest 30, failOnLeak on parts of the fixture', () => {
  let dir: string;
  beforeAll(() => {
    dir = copyFixture('jest-30', 'jest-leaks');
  });

  it('fails for one leaking suite, and only when HEAPLENS_FAIL_ON_LEAK is on', async () => {
    const on = await runJest('jest-30', dir, ['test/global-registry.test.js'], { env: { HEAPLENS_FAIL_ON_LEAK: '1' } });
    expect(on.code, output(on)).toBe(1);
    expect(on.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(on.stderr).toMatch(/^heaplens: failing the run because 1 tracked scope leaked \(failOnLeak is on\)$/m);

    const off = await runJest('jest-30', dir, ['test/global-registry.test.js'], { env: { HEAPLENS_FAIL_ON_LEAK: '0' } });
    expect(off.code, output(off)).toBe(0);
    expect(off.stderr).not.toMatch(FAILING);
    expect(verdicts(readReport(dir))).toEqual({ 'test/global-registry.test.js :: global plugin registry': 'leak' });
  });

  it('fails for a retained environment alone (its tracked scope is ok)', async () => {
    const result = await runJest('jest-30', dir, ['test/env-process-listener.test.js'], { env: { HEAPLENS_FAIL_ON_LEAK: '1' } });
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toMatch(/^heaplens: failing the run because 1 test file left its environment alive \(failOnLeak is on\)$/m);
    const report = readReport(dir);
    expect(verdicts(report)).toEqual({ 'test/env-process-listener.test.js :: ': 'ok' });
    expect(report.retainedEnvironments.map((e) => e.file)).toEqual(['test/env-process-listener.test.js']);
  });

  it('passes when nothing leaked and every environment was released', async () => {
    const result = await runJest('jest-30', dir, ['-w', '2', 'test/clean.test.js', 'test/env-cleanup.test.js'], {
      env: { HEAPLENS_FAIL_ON_LEAK: '1' },
    });
    expect(result.code, output(result)).toBe(0);
    expect(result.stderr).not.toMatch(FAILING);
    const report = readReport(dir);
    expect(Object.keys(verdicts(report))).toHaveLength(4);
    expect(Object.values(verdicts(report)).every((v) => v === 'ok')).toBe(true);
    expect(report.retainedEnvironments).toEqual([]);
  });
});

// `heaplens [options] -- node jest ...`: the CLI exits with Jest's code, and
// uses the reporter's handshake to tell a run without heaplens from one with it.
describe('heaplens CLI around jest 30', () => {
  let dir: string;
  beforeAll(() => {
    dir = copyFixture('jest-30', 'jest-leaks');
    writeFileSync(
      join(dir, 'test', 'failing.test.js'),
      [
        "const { trackHeap } = require('heaplens');",
        "describe('a failing suite', () => {",
        '  trackHeap();',
        "  it('fails', () => expect(1).toBe(2));",
        '});',
        '',
      ].join('\n'),
    );
    // A project without withHeaplens(): the command passes, but heaplens never ran.
    mkdirSync(join(dir, 'plain'));
    writeFileSync(join(dir, 'plain', 'plain.test.js'), "test('plain', () => expect(1).toBe(1));\n");
    writeFileSync(join(dir, 'plain.config.js'), "module.exports = { testMatch: ['<rootDir>/plain/*.test.js'] };\n");
  });

  it('--heap-snapshots: exits 0 when Jest passes', async () => {
    const result = await runJest('jest-30', dir, ['test/env-cleanup.test.js'], { cli: ['--heap-snapshots'] });
    expect(result.code, output(result)).toBe(0);
    expect(result.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    const report = readReport(dir);
    expect(report.snapshots).toBe(true);
    expect(verdicts(report)).toEqual({ 'test/env-cleanup.test.js :: ': 'ok' });
    // keepSnapshots 'flagged': nothing leaked, so the files were not run again with snapshots; none was written.
    expect(report.files).toHaveLength(0);
    expect(report.scopes[0]!.snapshotsSkipped).toBe(NOT_RERUN);
    expect(report.snapshotFiles).toMatchObject({ keep: 'flagged', written: 0, kept: 0 });
    expect(report.scopes[0]!.snapshots).toBeNull();
    expect(result.stderr).not.toContain('again with heap snapshots');
    expect(result.stderr.match(/Tests:/g)).toHaveLength(1);
  });

  it("--heap-snapshots: exits with Jest's code when a test fails, and the report is still written", async () => {
    const result = await runJest('jest-30', dir, ['test/failing.test.js', 'test/global-registry.test.js'], { cli: ['--heap-snapshots'] });
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toMatch(/Tests:\s+1 failed, 1 passed, 2 total/);
    expect(result.stderr).not.toMatch(/heaplens: failing/);
    expect(result.stderr).not.toContain('heaplens did not run');
    const report = readReport(dir);
    expect(report.snapshots).toBe(true);
    expect(verdicts(report)).toEqual({
      'test/failing.test.js :: a failing suite': 'ok',
      'test/global-registry.test.js :: global plugin registry': 'leak',
    });
    expect(report.scopes.find((s) => s.verdict === 'leak')!.culprits[0]?.name).toBe('PluginRecord');
    // Only the leaking file ran again, with snapshots: its pair is all that was written, and kept.
    expect(result.stderr).toContain('heaplens: running 1 test file again with heap snapshots, for the culprits of 1 leak');
    expect(result.stderr).toMatch(/Tests:\s+1 failed, 1 passed, 2 total[\s\S]*Tests:\s+1 passed, 1 total/);
    expect(report.files.map((f) => f.path).every((p) => p.includes('global-registry'))).toBe(true);
    expect(report.files).toHaveLength(2);
    expect(report.scopes.find((s) => s.verdict === 'ok')!.snapshotsSkipped).toBe(NOT_RERUN);
    expect(report.snapshotFiles).toMatchObject({ written: 2, kept: 2 });
  });

  it('--heap-snapshots --fail-on-leak: Jest fails the run itself, the CLI passes its code on and says it once', async () => {
    const result = await runJest('jest-30', dir, ['test/global-registry.test.js'], { cli: ['--heap-snapshots', '--fail-on-leak'] });
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(result.stderr).toMatch(/^heaplens: failing the run because 1 tracked scope leaked \(failOnLeak is on\)$/m);
    expect(result.stderr.match(/heaplens: failing/g)).toHaveLength(1);
    expect(readReport(dir).snapshots).toBe(true);
  });

  it('says so when Jest passed but heaplens did not run in it, and exits 1', async () => {
    const reportPath = join(dir, '.heaplens', 'report.json');
    const last = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : null;
    const result = await runJest('jest-30', dir, ['--config', 'plain.config.js'], { cli: ['--heap-snapshots'] });
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(result.stderr).toContain('heaplens: the command passed but heaplens did not run in it');
    expect(result.stderr).toContain('withHeaplens()');
    // Nothing of heaplens ran: the output directory is as the last run left it.
    expect(existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : null).toBe(last);
  });
});
