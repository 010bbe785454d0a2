/**
 * What every run of fixtures/vitest-kinds and fixtures/jest-kinds must report:
 * the class of each suite and, for leaks, the site of the growing memory.
 * The two fixtures are twins (TypeScript for Vitest, CommonJS for Jest).
 */
import type { Report } from '../../src/report/schema.js';

export interface KindExpectation {
  readonly verdict: 'leak' | 'one-time' | 'bounded' | 'ok';
  /** For leaks: the file and line where the growing site's function is defined (in the source, after source maps). */
  readonly site?: string | readonly string[];
  /** For memory the runner holds: what the note must say. */
  readonly runnerNote?: RegExp;
}

export function kindExpectations(ext: 'ts' | 'js'): Record<string, KindExpectation> {
  return {
    [`test/before-each-leak.test.${ext} :: fixtures opened in beforeEach`]: { verdict: 'leak', site: `src/sessions.${ext}:5:` },
    [`test/bounded-cache.test.${ext} :: bounded cache`]: { verdict: 'bounded' },
    [`test/clean.test.${ext} :: clean`]: { verdict: 'ok' },
    [`test/closure-leak.test.${ext} :: route registry`]: { verdict: 'leak', site: `src/handlers.${ext}:4:` },
    [`test/init-and-leak.test.${ext} :: sessions with a schema`]: { verdict: 'leak', site: `src/sessions.${ext}:5:` },
    [`test/lazy-table.test.${ext} :: lazy table`]: { verdict: 'one-time' },
    [`test/spies.test.${ext} :: heavy spies`]: {
      verdict: 'ok',
      runnerNote: ext === 'ts' ? /held by the runner until the file ends \(vi\.fn\(\) spies created at test\/spies\.test\.ts:9:\d+; vi\.restoreAllMocks\(\) frees them\)/ : /held by the runner until the file ends \(jest\.fn\(\) spies created at test\/spies\.test\.js:8:\d+; jest\.restoreAllMocks\(\) frees them\)/,
    },
    [`test/listener-leak.test.${ext} :: request tracing`]: { verdict: 'leak', site: `src/tracing.${ext}:8:` },
    // Either logLine(), or the test itself once its hot loop has inlined logLine() (V8's sampled stacks leave inlined frames out).
    [`test/string-leak.test.${ext} :: request log`]: { verdict: 'leak', site: [`src/logger.${ext}:4:`, `test/string-leak.test.${ext}:`] },
  };
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
    const sites = want.site === undefined ? [] : typeof want.site === 'string' ? [want.site] : want.site;
    if (sites.length > 0 && !sites.some((site) => scope.reason.includes(`allocated at ${site}`))) {
      problems.push(`${key}: reason does not name ${sites.join(' or ')}: ${scope.reason}`);
    }
    if (want.runnerNote && !want.runnerNote.test(scope.runnerNote ?? '')) problems.push(`${key}: runner note ${scope.runnerNote}`);
    if (scope.tests !== 20) problems.push(`${key}: ${scope.tests} tests, expected 20`);
    if (scope.series.length < 18) problems.push(`${key}: only ${scope.series.length} of 20 tests observed`);
  }
  for (const key of Object.keys(expected)) if (!seen.has(key)) problems.push(`missing scope ${key}`);
  return problems;
}
