import { describe, expect, it } from 'vitest';
import type { EnvironmentRecord } from '../src/core/environment-record.js';
import {
  collectReport,
  countFindings,
  ENVIRONMENT_GLOBAL,
  environmentProblems,
  failureMessage,
  holderNote,
  toReportEnvironment,
  type CollectInput,
} from '../src/report/collect.js';
import type { EnvironmentAnalysis } from '../src/engine/scope-analysis.js';
import { MB, measurement, scopeRecord } from './support/records.js';

const worker = { threadId: 2, pid: 42, workerId: '1' };
const SNAPSHOT = 'snapshots/test_a.test.ts__environment__t2-p42-w1__abcd1234.heapsnapshot';
const written = { status: 'written', file: SNAPSHOT, probe: '__heaplens_environment_probe_x' } as const;

/** A retained environment: 100 MB + 5 MB before, 103 MB + 6 MB after (4 MB left behind), with `overrides` on top. */
function envRecord(overrides: Partial<EnvironmentRecord> = {}): EnvironmentRecord {
  return {
    kind: 'heaplens-environment',
    version: 1,
    runner: { name: 'jest', version: '30.5.2' },
    file: 'test/a.test.ts',
    project: '',
    worker,
    state: 'retained',
    before: measurement(100 * MB, 5 * MB),
    after: measurement(103 * MB, 6 * MB),
    snapshot: written,
    error: null,
    ...overrides,
  };
}

const retainedAnalysis = (path: string[], bytes = 4 * MB): EnvironmentAnalysis => ({
  ok: true,
  retention: { status: 'retained', path, className: 'Object', bytes },
});

const PATH = ['(GC roots)', 'global', 'leaked (Map)', 'table', '[3]', 'Object'];

function input(extra: Partial<CollectInput> = {}): CollectInput {
  return {
    toolVersion: '0.1.0',
    runner: { name: 'jest', version: '30.5.2' },
    node: 'v20.20.2',
    snapshots: false,
    outDir: '/proj/.heaplens',
    threshold: MB,
    records: [],
    files: [],
    problems: [],
    ...extra,
  };
}

describe('toReportEnvironment', () => {
  it('is null for a released environment', () => {
    expect(toReportEnvironment(envRecord({ state: 'released' }), retainedAnalysis(PATH))).toBeNull();
  });

  it.each(['running', 'checking'] as const)('is null for a record still %s (environmentProblems covers it)', (state) => {
    expect(toReportEnvironment(envRecord({ state }), undefined)).toBeNull();
  });

  it("replaces the last path element by the environment global and takes the bytes from the snapshot's analysis", () => {
    expect(toReportEnvironment(envRecord(), retainedAnalysis(PATH, 7 * MB))).toEqual({
      file: 'test/a.test.ts',
      worker,
      bytes: 7 * MB,
      path: ['(GC roots)', 'global', 'leaked (Map)', 'table', '[3]', ENVIRONMENT_GLOBAL],
      snapshot: SNAPSHOT,
      note: null,
    });
    expect(ENVIRONMENT_GLOBAL).toBe('(test environment global)');
  });

  it("ignores a record's heap readings (heaplens < 0.3): the size is the snapshot's", () => {
    const record = envRecord({ before: measurement(50 * MB, MB), after: measurement(49 * MB, 4 * MB) });
    expect(toReportEnvironment(record, retainedAnalysis(PATH, 3 * MB))?.bytes).toBe(3 * MB);
  });

  it('has null bytes when there is no analysed snapshot to tell', () => {
    expect(toReportEnvironment(envRecord(), undefined)?.bytes).toBeNull();
    expect(toReportEnvironment(envRecord({ snapshot: null }), undefined)?.bytes).toBeNull();
    expect(toReportEnvironment(envRecord(), { ok: false, error: 'truncated' })?.bytes).toBeNull();
  });

  it('says no snapshot was taken when there is none', () => {
    expect(toReportEnvironment(envRecord({ snapshot: null }), undefined)).toEqual({
      file: 'test/a.test.ts',
      worker,
      bytes: null,
      path: [],
      snapshot: null,
      note: 'no snapshot was taken',
    });
  });

  it("gives a skipped snapshot's reason as the note", () => {
    const reason = 'snapshot skipped: heap 40 MB is above snapshotMaxHeap 1 B';
    const env = toReportEnvironment(envRecord({ snapshot: { status: 'skipped', reason } }), undefined);
    expect(env?.path).toEqual([]);
    expect(env?.snapshot).toBeNull();
    expect(env?.note).toBe(reason);
  });

  it('says the worker stopped when the snapshot was still being written', () => {
    const env = toReportEnvironment(envRecord({ snapshot: { ...written, status: 'writing' } }), retainedAnalysis(PATH));
    expect(env?.path).toEqual([]);
    expect(env?.snapshot).toBeNull();
    expect(env?.note).toBe('the worker stopped before the snapshot that explains it was complete');
  });

  it('says the snapshot was not analysed when there is no analysis', () => {
    const env = toReportEnvironment(envRecord(), undefined);
    expect(env?.path).toEqual([]);
    expect(env?.snapshot).toBe(SNAPSHOT);
    expect(env?.note).toBe('the snapshot was not analysed');
  });

  it('gives the error of a failed analysis', () => {
    const env = toReportEnvironment(envRecord(), { ok: false, error: 'x.heapsnapshot: truncated' });
    expect(env?.path).toEqual([]);
    expect(env?.snapshot).toBe(SNAPSHOT);
    expect(env?.note).toBe('snapshot analysis failed: x.heapsnapshot: truncated');
  });

  it('is null when only weak references hold the environment', () => {
    expect(toReportEnvironment(envRecord(), { ok: true, retention: { status: 'unreachable', className: 'Object' } })).toBeNull();
  });

  it('says the environment is not in its snapshot when the probe is absent', () => {
    const env = toReportEnvironment(envRecord(), { ok: true, retention: { status: 'absent' } });
    expect(env?.path).toEqual([]);
    expect(env?.snapshot).toBe(SNAPSHOT);
    expect(env?.note).toBe('the environment is not in its snapshot');
  });

  it('notes a path through ModuleWrap', () => {
    const path = ['(GC roots)', '(Global handles)', 'module (ModuleWrap)', 'context', 'Object'];
    const env = toReportEnvironment(envRecord(), retainedAnalysis(path));
    expect(env?.path).toEqual(['(GC roots)', '(Global handles)', 'module (ModuleWrap)', 'context', ENVIRONMENT_GLOBAL]);
    expect(env?.note).toBe(holderNote(path));
    expect(env?.note).toMatch(/^held by Node's vm module records/);
  });
});

describe('holderNote', () => {
  it('is null for a path the test file itself holds', () => {
    expect(holderNote(PATH)).toBeNull();
    expect(holderNote([])).toBeNull();
  });

  it('blames the vm module records for a ModuleWrap anywhere on the path', () => {
    expect(holderNote(['(GC roots)', 'x (ModuleWrap)', 'Object'])).toBe(
      "held by Node's vm module records (an ES module test file under --experimental-vm-modules): a Node/Jest limitation, not this file's code",
    );
  });

  it('needs the class in parentheses, not the bare word', () => {
    expect(holderNote(['(GC roots)', 'ModuleWrap', 'Object'])).toBeNull();
  });
});

describe('environmentProblems', () => {
  it('lists errors and unfinished checks, in record order, and nothing for finished ones', () => {
    const records = [
      envRecord({ file: 'a.test.ts', state: 'released' }),
      envRecord({ file: 'b.test.ts', state: 'running', after: null, snapshot: null }),
      envRecord({ file: 'c.test.ts', state: 'released', error: 'the environment check failed: boom' }),
      envRecord({ file: 'd.test.ts', state: 'checking', after: null, snapshot: null }),
      envRecord({ file: 'e.test.ts' }),
    ];
    expect(environmentProblems(records)).toEqual([
      'b.test.ts: the check whether its test environment was released did not finish (the worker stopped?)',
      'c.test.ts: the environment check failed: boom',
      'd.test.ts: the check whether its test environment was released did not finish (the worker stopped?)',
    ]);
  });

  it('reports an error once, even on an unfinished record', () => {
    expect(environmentProblems([envRecord({ file: 'x.test.ts', state: 'running', error: 'cannot write' })])).toEqual([
      'x.test.ts: cannot write',
    ]);
  });

  it('is empty for no records', () => {
    expect(environmentProblems([])).toEqual([]);
  });
});

describe('collectReport with environments', () => {
  const shot = (file: string) => ({ ...written, file: `snapshots/${file}.heapsnapshot` });
  const small = envRecord({ file: 'small.test.ts', snapshot: shot('small') });
  const big = envRecord({ file: 'big.test.ts', snapshot: shot('big') });
  const tieB = envRecord({ file: 'tie-b.test.ts', snapshot: shot('tie-b') });
  const tieA = envRecord({ file: 'tie-a.test.ts', snapshot: shot('tie-a') });
  const unknown = envRecord({ file: 'unknown.test.ts', snapshot: null });
  const released = envRecord({ file: 'released.test.ts', state: 'released' });
  const weakOnly = envRecord({ file: 'weak.test.ts', snapshot: shot('weak') });
  const stuck = envRecord({ file: 'stuck.test.ts', state: 'checking', after: null, snapshot: null });

  const analyses = new Map<string, EnvironmentAnalysis>([
    [SNAPSHOT, retainedAnalysis(PATH)],
    ['snapshots/small.heapsnapshot', retainedAnalysis(PATH, 1 * MB)],
    ['snapshots/big.heapsnapshot', retainedAnalysis(PATH, 20 * MB)],
    ['snapshots/tie-a.heapsnapshot', retainedAnalysis(PATH, 5 * MB)],
    ['snapshots/tie-b.heapsnapshot', retainedAnalysis(PATH, 5 * MB)],
    ['snapshots/weak.heapsnapshot', { ok: true, retention: { status: 'unreachable', className: 'Object' } }],
  ]);

  it('lists retained environments largest first, then by file, leaving out released and weakly held ones', () => {
    const report = collectReport(
      input({ environments: [small, unknown, released, tieB, big, weakOnly, tieA, stuck], environmentAnalyses: analyses }),
    );
    expect(report.retainedEnvironments.map((e) => `${e.file} ${e.bytes === null ? 'unknown' : e.bytes / MB}`)).toEqual([
      'big.test.ts 20',
      'tie-a.test.ts 5',
      'tie-b.test.ts 5',
      'small.test.ts 1',
      'unknown.test.ts unknown',
    ]);
    expect(report.retainedEnvironments[0]?.path).toEqual([...PATH.slice(0, -1), ENVIRONMENT_GLOBAL]);
  });

  it('appends environment problems after the given problems', () => {
    const report = collectReport(input({ problems: ['skipped records/x.json: bad'], environments: [stuck, small], environmentAnalyses: analyses }));
    expect(report.problems).toEqual([
      'skipped records/x.json: bad',
      'stuck.test.ts: the check whether its test environment was released did not finish (the worker stopped?)',
    ]);
  });

  it('passes no analysis to an environment whose snapshot was not written', () => {
    // The map has an analysis under the snapshot's file, but the record says it is still 'writing'.
    const report = collectReport(
      input({ environments: [envRecord({ snapshot: { ...written, status: 'writing' } })], environmentAnalyses: analyses }),
    );
    expect(report.retainedEnvironments.map((e) => e.note)).toEqual([
      'the worker stopped before the snapshot that explains it was complete',
    ]);
  });

  it('has no retained environments without environment records', () => {
    expect(collectReport(input()).retainedEnvironments).toEqual([]);
  });
});

describe('countFindings and failureMessage', () => {
  const leak = (suite: string) =>
    scopeRecord({ file: 'test/l.test.ts', suite, before: measurement(10 * MB), after: measurement(15 * MB) });
  const okScope = scopeRecord({ file: 'test/ok.test.ts', suite: 'fine' });
  const retained = (file: string) => envRecord({ file, snapshot: null });

  const report = (scopes: number, environments: number) =>
    collectReport(
      input({
        records: [okScope, ...Array.from({ length: scopes }, (_, i) => leak(`S${i}`))],
        environments: Array.from({ length: environments }, (_, i) => retained(`test/e${i}.test.ts`)),
      }),
    );

  it('counts leaked scopes plus retained environments, not ok scopes', () => {
    expect(countFindings(report(0, 0))).toBe(0);
    expect(countFindings(report(2, 0))).toBe(2);
    expect(countFindings(report(0, 3))).toBe(3);
    expect(countFindings(report(2, 3))).toBe(5);
  });

  it('does not count released environments', () => {
    const r = collectReport(input({ environments: [envRecord({ state: 'released' }), retained('test/e.test.ts')] }));
    expect(countFindings(r)).toBe(1);
  });

  it('is null when failOnLeak is off, whatever was found', () => {
    expect(failureMessage(report(2, 2), false)).toBeNull();
  });

  it('is null when nothing was found', () => {
    expect(failureMessage(report(0, 0), true)).toBeNull();
  });

  it('uses the singular for one of each', () => {
    expect(failureMessage(report(1, 0), true)).toBe('heaplens: failing the run because 1 tracked scope leaked (failOnLeak is on)');
    expect(failureMessage(report(0, 1), true)).toBe(
      'heaplens: failing the run because 1 test file left its environment alive (failOnLeak is on)',
    );
  });

  it('uses the plural for several, and joins both kinds with "and"', () => {
    expect(failureMessage(report(2, 0), true)).toBe('heaplens: failing the run because 2 tracked scopes leaked (failOnLeak is on)');
    expect(failureMessage(report(0, 3), true)).toBe(
      'heaplens: failing the run because 3 test files left their environment alive (failOnLeak is on)',
    );
    expect(failureMessage(report(1, 2), true)).toBe(
      'heaplens: failing the run because 1 tracked scope leaked and 2 test files left their environment alive (failOnLeak is on)',
    );
  });
});
