/**
 * What every run of fixtures/vitest-kinds and fixtures/jest-kinds must report:
 * the class of each suite and, for leaks, the site of the growing memory.
 * The two fixtures are twins (TypeScript for Vitest, CommonJS for Jest).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScopeRecord } from '../../src/core/record.js';
import type { Report } from '../../src/report/schema.js';

export interface KindExpectation {
  readonly verdict: 'leak' | 'one-time' | 'bounded' | 'ok';
  /** For leaks: the file and line where the growing site's function is defined (in the source, after source maps). */
  readonly site?: string;
  /** For memory the runner holds: what the note must say. */
  readonly runnerNote?: RegExp;
  /** For leaks, with snapshots: the first culprit's name, and the growing site (or else the file) it must be matched to. */
  readonly culprit?: { readonly name: string; readonly site?: string; readonly heldIn?: string };
  /** For leaks: the phase of the tests in which the growing site kept most of its bytes (test and hook boundaries). */
  readonly phase?: 'beforeEach' | 'test';
}

export function kindExpectations(ext: 'ts' | 'js'): Record<string, KindExpectation> {
  return {
    [`test/before-each-leak.test.${ext} :: fixtures opened in beforeEach`]: {
      verdict: 'leak',
      site: `src/sessions.${ext}:5:`,
      culprit: { name: 'Object', site: `src/sessions.${ext}:5:` },
      phase: 'beforeEach',
    },
    [`test/async-leak.test.${ext} :: jobs finished after an await`]: {
      verdict: 'leak',
      site: `src/jobs.${ext}:4:`,
      culprit: { name: 'Object', site: `src/jobs.${ext}:4:` },
      phase: 'test',
    },
    [`test/bounded-cache.test.${ext} :: bounded cache`]: { verdict: 'bounded' },
    [`test/import-in-test.test.${ext} :: module imported inside a test`]: { verdict: 'one-time' },
    [`test/new-code.test.${ext} :: each test runs new code`]: { verdict: 'ok' },
    [`test/stack-traces.test.${ext} :: stack traces through source maps`]: { verdict: 'ok' },
    [`test/clean.test.${ext} :: clean`]: { verdict: 'ok' },
    // registerRoute() in every run: heaplens stops V8 from inlining it into the test's hot loop (see allocation-sampler.ts).
    [`test/closure-leak.test.${ext} :: route registry`]: {
      verdict: 'leak',
      site: `src/handlers.${ext}:4:`,
      culprit: { name: 'routeHandler (closure)', site: `src/handlers.${ext}:4:` },
    },
    // The schema (a one-time 4.5 MB of objects, held in the same module) must not come before the growing sessions.
    [`test/init-and-leak.test.${ext} :: sessions with a schema`]: { verdict: 'leak', site: `src/sessions.${ext}:5:`, culprit: { name: 'Object', site: `src/sessions.${ext}:5:` } },
    [`test/lazy-table.test.${ext} :: lazy table`]: { verdict: 'one-time' },
    [`test/spies.test.${ext} :: heavy spies`]: {
      verdict: 'ok',
      runnerNote: ext === 'ts' ? /held by the runner until the file ends \(vi\.fn\(\) spies created at test\/spies\.test\.ts:9:\d+; vi\.restoreAllMocks\(\) frees them\)/ : /held by the runner until the file ends \(jest\.fn\(\) spies created at test\/spies\.test\.js:8:\d+; jest\.restoreAllMocks\(\) frees them\)/,
    },
    [`test/listener-leak.test.${ext} :: request tracing`]: { verdict: 'leak', site: `src/tracing.${ext}:8:`, culprit: { name: '(anonymous closure)', site: `src/tracing.${ext}:8:` } },
    // logLine() in every run, as registerRoute() above: the lines are held in src/logger and matched to its site.
    [`test/string-leak.test.${ext} :: request log`]: {
      verdict: 'leak',
      site: `src/logger.${ext}:4:`,
      culprit: { name: 'string', site: `src/logger.${ext}:4:`, heldIn: `src/logger.${ext}` },
    },
    // Three tracked siblings read with one profile (core/scope-group.ts): each judged on its own samples.
    [`test/siblings.test.${ext} :: siblings: sessions`]: { verdict: 'leak', site: `src/sessions.${ext}:5:`, culprit: { name: 'Object', site: `src/sessions.${ext}:5:` } },
    [`test/siblings.test.${ext} :: siblings: clean`]: { verdict: 'ok' },
    [`test/siblings.test.${ext} :: siblings: log`]: {
      verdict: 'leak',
      site: `src/logger.${ext}:4:`,
      culprit: { name: 'string', site: `src/logger.${ext}:4:`, heldIn: `src/logger.${ext}` },
    },
  };
}

/** The kinds fixture's scopes that end right before a tracked sibling: read with it (deferredRead in their records). */
export const DEFERRED_SUITES = ['siblings: clean', 'siblings: sessions'];

/** The suites whose records say they were read with their next sibling's, sorted. */
export function deferredSuites(projectDir: string): string[] {
  const dir = join(projectDir, '.heaplens', 'records');
  const records = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ScopeRecord);
  return records.filter((r) => r.deferredRead).map((r) => r.suite).sort();
}

function culpritProblems(key: string, scope: Report['scopes'][number], want: NonNullable<KindExpectation['culprit']>): string[] {
  const first = scope.culprits[0];
  if (!first) return [`${key}: no culprit (${scope.analysisError ?? 'no error'})`];
  const problems: string[] = [];
  const describe = `${first.name} held in ${first.heldIn} at ${first.site}`;
  if (first.name !== want.name) problems.push(`${key}: first culprit ${describe}, expected ${want.name}`);
  if (want.site && !first.site?.startsWith(want.site)) {
    problems.push(`${key}: first culprit ${describe}, expected at ${want.site}`);
  }
  if (want.heldIn && first.heldIn !== want.heldIn) problems.push(`${key}: first culprit ${describe}, expected held in ${want.heldIn}`);
  return problems;
}

/** What is wrong with a report of a kinds fixture (empty when everything is right). */
export function kindProblems(report: Report, ext: 'ts' | 'js'): string[] {
  const problems: string[] = [];
  const expected = kindExpectations(ext);
  const seen = new Set<string>();
  for (const scope of report.scopes) {
    const key = `${scope.file} :: ${scope.suite}`;
    seen.add(key);
    const want = expected[key];
    if (!want) {
      problems.push(`unexpected scope ${key}`);
      continue;
    }
    if (scope.verdict !== want.verdict) problems.push(`${key}: ${scope.verdict}, expected ${want.verdict} (${scope.reason})`);
    if (want.site && !scope.reason.includes(`allocated at ${want.site}`)) problems.push(`${key}: reason does not name ${want.site}: ${scope.reason}`);
    if (want.runnerNote && !want.runnerNote.test(scope.runnerNote ?? '')) problems.push(`${key}: runner note ${scope.runnerNote}`);
    if (scope.tests !== 20) problems.push(`${key}: ${scope.tests} tests, expected 20`);
    if (scope.series.length < 18) problems.push(`${key}: only ${scope.series.length} of 20 tests observed`);
    if (scope.snapshots && want.culprit) problems.push(...culpritProblems(key, scope, want.culprit));
    // Jest marks a test's hooks apart from its body; Vitest marks each test's start before its beforeEach
    // hooks (heaplens' beforeEach runs first), so there hooks and body are one phase.
    if (ext === 'js' && want.phase && want.site) {
      const site = scope.sites.find((s) => s.site.startsWith(want.site!));
      const phase = site ? Object.entries(site.byPhase).sort((a, b) => b[1] - a[1])[0]![0] : null;
      if (phase !== want.phase) problems.push(`${key}: growing site kept most in ${phase}, expected ${want.phase} (${JSON.stringify(site?.byPhase)})`);
    }
  }
  for (const key of Object.keys(expected)) if (!seen.has(key)) problems.push(`missing scope ${key}`);
  return problems;
}
