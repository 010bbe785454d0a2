/**
 * What every Jest run of fixtures/jest-leaks must report, and small probes the
 * Jest end-to-end tests add to their copy of the fixture (never to fixtures/).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../src/report/schema.js';

/** `file :: suite` → verdict; suite '' is a whole file marked by a top-level trackHeap(). */
export const JEST_LEAKS_VERDICTS: Record<string, 'leak' | 'ok'> = {
  'test/array-buffers.test.js :: sample store': 'leak',
  'test/array-buffers.test.js :: transient sample buffers': 'ok',
  'test/clean.test.js :: bounded cache': 'ok',
  'test/clean.test.js :: large transient allocations': 'ok',
  'test/clean.test.js :: weakly held metadata': 'ok',
  'test/emitter-listeners.test.js :: order subscribers that clean up': 'ok',
  'test/emitter-listeners.test.js :: order subscribers that never unsubscribe': 'leak',
  'test/env-cleanup.test.js :: ': 'ok',
  'test/env-patched-core-module.test.js :: ': 'ok',
  'test/env-process-listener.test.js :: ': 'ok',
  'test/global-registry.test.js :: global plugin registry': 'leak',
  'test/module-cache.test.js :: quote cache': 'leak',
  'test/uncleared-interval.test.js :: poller that clears its interval': 'ok',
  'test/uncleared-interval.test.js :: poller with an uncleared interval': 'leak',
};

/** The fixture's test files whose environment outlives them, and nothing else. */
export const RETAINED_FILES = ['test/env-patched-core-module.test.js', 'test/env-process-listener.test.js', 'test/uncleared-interval.test.js'];

/**
 * Checks the retainer path of one retained environment: from the GC roots to
 * the environment's global, through what the fixture file left behind.
 * Returns what is wrong (an empty list when the path is right).
 */
export function retainedPathProblems(file: string, path: readonly string[]): string[] {
  const problems: string[] = [];
  const text = path.join(' › ');
  if (path[0] !== '(GC roots)') problems.push(`${file}: path does not start at (GC roots): ${text}`);
  if (path.at(-1) !== '(test environment global)') problems.push(`${file}: path does not end at (test environment global): ${text}`);
  const at = (test: (segment: string) => boolean) => path.findIndex(test);
  const need = (what: string, index: number) => {
    if (index < 0) problems.push(`${file}: no ${what} segment in ${text}`);
    return index;
  };
  switch (file) {
    case 'test/uncleared-interval.test.js': {
      const list = need('timer list', at((s) => s.endsWith('(TimersList)')));
      const callback = need('_onTimeout (pollPrices())', at((s) => s.startsWith('_onTimeout (pollPrices())')));
      if (list >= 0 && callback >= 0 && list > callback) problems.push(`${file}: the timer list comes after the callback: ${text}`);
      break;
    }
    case 'test/env-process-listener.test.js': {
      // The real process object, reached under its own name or another (`_process (process)`).
      const proc = need('process', at((s) => /^process\b|\(process\)$/.test(s)));
      const listener = need('beforeExit (flushTelemetry())', at((s) => s.startsWith('beforeExit (flushTelemetry())')));
      if (proc >= 0 && listener >= 0 && proc > listener) problems.push(`${file}: the listener comes before process: ${text}`);
      break;
    }
    case 'test/env-patched-core-module.test.js': {
      const module = need('http (module)', at((s) => s.includes('http (module)')));
      const wrapper = need('request (tracedRequest())', at((s) => s.startsWith('request (tracedRequest())')));
      if (module >= 0 && wrapper >= 0 && module > wrapper) problems.push(`${file}: the wrapper comes before the http module: ${text}`);
      break;
    }
    default:
      problems.push(`${file} should not be retained`);
  }
  return problems;
}

/** `test/a.test.js` → `test_a.test.js`, as heaplens names a file's records and snapshots. */
export function fileSlug(file: string): string {
  return file.replace(/\//g, '_');
}

/** The fixture's suite titles are lower-case words: spaces become dashes; '' (a whole file) is `file`. */
export function suiteSlug(suite: string): string {
  return suite === '' ? 'file' : suite.replace(/ /g, '-');
}

export function workerTag(worker: Report['scopes'][number]['worker']): string {
  return `t${worker.threadId}-p${worker.pid}${worker.workerId === null ? '' : `-w${worker.workerId}`}`;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `snapshots/<file>__environment__t<thread>-p<pid>[-w<id>]__<hash>.heapsnapshot` */
export function environmentSnapshotPattern(file: string, worker: Report['scopes'][number]['worker']): RegExp {
  return new RegExp(`^snapshots/${escape(fileSlug(file))}__environment__${escape(workerTag(worker))}__[0-9a-f]{8}\\.heapsnapshot$`);
}

/** A worker tag in a snapshot name: thread id, pid, and Jest's or Vitest's worker id. */
export const ANY_WORKER_TAG = 't\\d+-p\\d+(?:-w\\d+)?';

/**
 * `snapshots/<file>__<suite>__t<thread>-p<pid>[-w<id>]__<hash>__<phase>.heapsnapshot`, the hash captured;
 * `worker` null: any worker (the CLI's second run took the pair, in workers of its own).
 */
export function scopeSnapshotPattern(file: string, suite: string, worker: Report['scopes'][number]['worker'] | null, phase: 'before' | 'after'): RegExp {
  const tag = worker ? escape(workerTag(worker)) : ANY_WORKER_TAG;
  return new RegExp(`^snapshots/${escape(fileSlug(file))}__${escape(suiteSlug(suite))}__${tag}__([0-9a-f]{8})__${phase}\\.heapsnapshot$`);
}

const PID_FILE = 'jest-main-pid.txt';

/**
 * Writes a globalSetup module into the copied project that records the pid of
 * Jest's main process, and returns the CLI arguments that load it. Tests
 * compare the pid that measured each scope against it.
 */
export function mainPidProbe(dir: string): string[] {
  const path = join(dir, 'record-main-pid.cjs');
  writeFileSync(
    path,
    [
      "const { writeFileSync } = require('node:fs');",
      "const { join } = require('node:path');",
      `module.exports = async () => { writeFileSync(join(${JSON.stringify(dir)}, ${JSON.stringify(PID_FILE)}), String(process.pid)); };`,
      '',
    ].join('\n'),
  );
  return ['--globalSetup', path];
}

/** The pid in a scope snapshot's file name (its worker tag, `t0-p<pid>-w<id>`), or NaN. */
export function snapshotPid(path: string): number {
  return Number(/__t0-p(\d+)-w[12]__/.exec(path)?.[1]);
}

export function readMainPid(dir: string): number {
  const pid = Number(readFileSync(join(dir, PID_FILE), 'utf8'));
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bad main pid in ${PID_FILE}`);
  return pid;
}

/**
 * For failure messages: each scope whose verdict is not the expected one, with
 * the figures it was judged on (and the allocation-sampling estimate from its
 * worker record, which report.json does not carry).
 */
export function verdictMismatches(report: Report, projectDir: string): string {
  const lines: string[] = [];
  const recordsDir = join(projectDir, '.heaplens', 'records');
  const records = existsSync(recordsDir)
    ? readdirSync(recordsDir).map((f) => JSON.parse(readFileSync(join(recordsDir, f), 'utf8')) as Record<string, any>)
    : [];
  for (const scope of report.scopes) {
    const key = `${scope.file} :: ${scope.suite}`;
    if (JEST_LEAKS_VERDICTS[key] === scope.verdict) continue;
    const record = records.find((r) => r.file === scope.file && r.suite === scope.suite);
    lines.push(
      `${key}: ${scope.verdict} (expected ${JEST_LEAKS_VERDICTS[key]}), ${scope.reason}; heap ${JSON.stringify(scope.heap)}, ` +
        `retained ${scope.retained} by ${scope.retainedMethod}, sampled ${JSON.stringify(record?.sampled)}, ` +
        `worker ${JSON.stringify(scope.worker)}, first culprit ${scope.culprits[0]?.name ?? 'none'}`,
    );
  }
  return lines.length === 0 ? 'verdicts' : `unexpected verdicts:\n${lines.join('\n')}`;
}
