/**
 * Verdicts from repetition. Pure.
 *
 * A suite repeats itself: its tests run the same code again and again. A
 * leak is memory that keeps growing when the same code runs again, so it
 * shows as the same allocation site keeping memory from test after test.
 * Warm-up (compiled code, a lazily built table, a module imported in a test,
 * decoded source maps) keeps memory from a site once; a cache at capacity
 * keeps only its latest entries. A single before/after delta cannot tell
 * these apart; the per-test series of each site can.
 *
 * Rules (tuned so that the sampling noise of ~8 KiB per sample cannot flip
 * them; see test/repetition-classify.test.ts for recorded series):
 * - a *growing site* is a user site that kept memory from at least half of
 *   the tests after the first, from tests in the first third and in the last
 *   third of the run (not only early: warm-up; not only late: bounded), and
 *   at least SITE_FLOOR bytes in all;
 * - a scope *leaks* when its growing sites kept at least LEAK_FLOOR bytes,
 *   whatever the threshold;
 * - a scope with fewer than MIN_TESTS observed tests has no trend: the
 *   threshold decides, and the reason says so.
 */
import { NODE_INTERNALS_SITE, type Attribution, type FrameSeries, type SiteRecord } from './attribution.js';
import { formatBytes } from './bytes.js';
import { isSpyPackage } from './frames.js';

export const MIN_TESTS = 3;

/**
 * Runs per test for the repeat pass (option `repeat`): enough for MIN_TESTS
 * observed runs in a scope of 1 or 2 tests (3 runs of 1 test, 2 of 2), else 1.
 * Running the same tests again in the same worker is the ground truth of
 * repetition: warm-up is kept once, a leak again in every run.
 */
export function runsPerTest(tests: number): number {
  return tests > 0 && tests < MIN_TESTS ? Math.ceil(MIN_TESTS / tests) : 1;
}
export const SITE_FLOOR = 32 * 1024;
export const LEAK_FLOOR = 256 * 1024;
/** Share of a site's kept bytes that must come from the second half of the tests for it to be `recent`. */
export const RECENT_SHARE = 0.9;

export type SiteShape = 'growing' | 'recent' | 'once';

/** What the shape of a series is judged on: a site, or a user frame (owner user). */
export type Series = Pick<SiteRecord, 'bytes' | 'perTest'> & { readonly owner?: 'user' | 'runner' };

export interface SiteTrend<S extends Series = SiteRecord> {
  readonly site: S;
  readonly shape: SiteShape;
  /** Observed tests (after the first) it kept memory from. */
  readonly hits: number;
}

/** The per-test values of a site at the observed tests. */
export function seriesAt(site: Series, observed: readonly number[]): number[] {
  return observed.map((test) => site.perTest[test] ?? 0);
}

/** How a site's kept bytes are spread over the observed tests. */
export function siteShape<S extends Series>(site: S, observed: readonly number[]): SiteTrend<S> {
  const values = seriesAt(site, observed);
  const points = values.length;
  const later = values.slice(1);
  const hits = later.filter((v) => v > 0).length;
  // Node's internals are many unrelated allocations in one pseudo-site (an HTTP suite's sockets, timers
  // and fetch internals): their sum has no shape to go by, and on h3 it came out growing, recent or
  // once from run to run, and with it the scope's verdict (bounded or one-time).
  if (points < MIN_TESTS || ('site' in site && site.site === NODE_INTERNALS_SITE)) return { site, shape: 'once', hits };
  const earlyEnd = Math.max(2, Math.ceil(points / 3));
  const lateStart = Math.min(points - 1, Math.floor((2 * points) / 3));
  const early = values.slice(1, earlyEnd).some((v) => v > 0);
  const late = values.slice(lateStart).some((v) => v > 0);
  const grown = later.reduce((a, b) => a + b, 0);
  if ((site.owner ?? 'user') === 'user' && hits >= Math.max(2, Math.ceil(later.length / 2)) && early && late && grown >= SITE_FLOOR) {
    return { site, shape: 'growing', hits };
  }
  // Recent: nearly all of it from the second half of the tests, from more than one of them. A stray
  // sample in an early test (one object of an older entry still referenced) must not hide the shape.
  const half = Math.floor(points / 2);
  const total = values.reduce((a, b) => a + b, 0);
  const recent = values.slice(half);
  const recentBytes = recent.reduce((a, b) => a + b, 0);
  if (late && recent.filter((v) => v > 0).length >= 2 && recentBytes >= RECENT_SHARE * total) return { site, shape: 'recent', hits };
  return { site, shape: 'once', hits };
}

export type RepetitionVerdict = 'leak' | 'one-time' | 'bounded' | 'ok';

export interface RepetitionJudgement {
  readonly verdict: RepetitionVerdict;
  readonly reason: string;
  /** The most specific growing user functions, largest first (the leak's sites). */
  readonly growing: readonly SiteTrend<FrameSeries>[];
  /** Bytes per test of the growing sites, or null. */
  readonly rate: number | null;
  /** A note on memory the runner holds until the file ends, when it is large; else null. */
  readonly runnerNote: string | null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function siteLabel(site: Pick<SiteRecord, 'site' | 'fn'>): string {
  if (site.site.startsWith('(')) return site.site;
  return `${site.site} (${site.fn === '(anonymous)' ? 'an anonymous function' : `${site.fn}()`})`;
}

/** What a runner package holds, in words a user can act on. */
export function runnerHolding(site: SiteRecord): string {
  const via = site.via ?? 'the runner';
  if (isSpyPackage(via)) {
    const where = site.site.startsWith('(') ? '' : ` created at ${site.site}`;
    return `${via.includes('jest') ? 'jest.fn()' : 'vi.fn()'} spies${where}; ${via.includes('jest') ? 'jest.restoreAllMocks()' : 'vi.restoreAllMocks()'} frees them`;
  }
  return site.site.startsWith('(') ? `${via}'s own per-test records` : `allocated by ${via} when called from ${site.site}`;
}

function runnerNote(attribution: Attribution, threshold: number): string | null {
  const runner = attribution.sites.filter((s) => s.owner === 'runner');
  const bytes = runner.reduce((sum, s) => sum + s.bytes, 0);
  if (runner.length === 0) return null;
  // Spies are what the user can act on (restore them): name them when they hold a fair share, from a
  // quarter of the threshold. The runner's own per-test records only from half of it: a clean suite
  // of 20 tests leaves ~270 KB of them in Vitest 4.1, which is nothing to report.
  // The share is the spies' sum over their sites: one spy's memory is sampled at several of them (its
  // implementation's line, its call records, the expect() that reads them), and the largest alone is
  // 25-45% of the runner's bytes in fixtures/jest-kinds, so a single-site share flipped the note.
  const spySites = runner.filter((s) => s.via !== null && isSpyPackage(s.via));
  const spyBytes = spySites.reduce((sum, s) => sum + s.bytes, 0);
  const spies = spyBytes >= bytes / 4 ? spySites.find((s) => !s.site.startsWith('(')) ?? spySites[0] : undefined;
  if (bytes < (spies ? threshold / 4 : threshold / 2)) return null;
  return `${formatBytes(bytes)} is held by the runner until the file ends (${runnerHolding(spies ?? runner[0]!)}): not this suite's leak`;
}

/**
 * The user functions that kept memory from test after test, judged on their
 * inclusive series (see Attribution.frames), keeping only the most specific:
 * a growing function none of whose growing callees explains it better. A
 * sample's stack is one path, so these never share bytes.
 */
export function mostSpecificGrowing(attribution: Attribution): SiteTrend<FrameSeries>[] {
  const growing = attribution.frames.map((f) => siteShape(f, attribution.observed)).filter((t) => t.shape === 'growing');
  const names = new Set(growing.map((t) => t.site.site));
  return growing.filter((t) => !t.site.callees.some((c) => names.has(c)));
}

/**
 * The most a leak could rest on once more GCs have run: the bytes of the outermost growing functions.
 * More GCs only take samples away, and a function growing then was growing before; the most specific
 * growing functions then are disjoint (a sample's stack is one path), each within one outermost.
 */
export function growingBound(attribution: Attribution): number {
  const growing = attribution.frames.map((f) => siteShape(f, attribution.observed)).filter((t) => t.shape === 'growing');
  const callees = new Set(growing.flatMap((t) => t.site.callees));
  return growing.filter((t) => !callees.has(t.site.site)).reduce((sum, t) => sum + t.site.bytes, 0);
}

/**
 * Judges a measured scope from its attribution. `retained` is what the scope
 * kept in all (heap delta or sampling), compared with the threshold only
 * where there is no trend to go by.
 */
export function judgeRepetition(attribution: Attribution, retained: number, threshold: number): RepetitionJudgement {
  const points = attribution.observed.length;
  const note = runnerNote(attribution, threshold);
  /** A verdict that names no growing site. */
  const plain = (verdict: RepetitionVerdict, reason: string): RepetitionJudgement => ({ verdict, reason, growing: [], rate: null, runnerNote: note });
  const kept = `kept ${formatBytes(Math.max(0, retained))}`;
  if (points < MIN_TESTS) {
    const few = `${kept}; ${plural(attribution.tests, 'test')} cannot show a trend, so the threshold (${formatBytes(threshold)}) decides`;
    return plain(retained > threshold ? 'leak' : 'ok', few);
  }
  const growing = mostSpecificGrowing(attribution);
  const growingBytes = growing.reduce((sum, t) => sum + t.site.bytes, 0);
  if (growing.length > 0 && growingBytes >= LEAK_FLOOR) {
    const rate = growingBytes / attribution.tests;
    const reason = `+${formatBytes(rate)} per test over ${plural(attribution.tests, 'test')}, allocated at ${siteLabel(growing[0]!.site)}` +
      (growing.length > 1 ? ` and ${plural(growing.length - 1, 'other site')}` : '');
    return { verdict: 'leak', reason, growing, rate, runnerNote: note };
  }
  if (retained <= threshold) return plain('ok', `${kept}; no allocation site kept memory from test after test`);
  const trends = attribution.sites.map((site) => siteShape(site, attribution.observed));
  const bytesOf = (keep: (t: SiteTrend) => boolean) => trends.filter(keep).reduce((sum, t) => sum + t.site.bytes, 0);
  const recent = bytesOf((t) => t.site.owner === 'user' && t.shape === 'recent');
  const runner = bytesOf((t) => t.site.owner === 'runner');
  // The user's one-time bytes include those of the sites past the listed ones (`rest`): warm-up spread
  // over many small sites (a first use of each of 80 validators) is still warm-up, and the runner's
  // records, always a few large sites, must not outweigh it only because its sites are listed.
  const once = Math.max(bytesOf((t) => t.site.owner === 'user' && t.shape !== 'recent'), attribution.total - runner - recent);
  // What the runner holds is not the suite's: a suite whose own share is within the threshold is `ok`.
  // (Comparing the runner's share with the suite's one-time share instead flipped h3's files between
  // `ok` and `one-time` from run to run: the two were within 10% of each other.)
  const own = retained - runner;
  if (runner > 0 && own <= threshold) {
    return plain('ok', `${kept}; ${note ?? `${formatBytes(runner)} of it is held by the runner until the file ends`}, and the suite's own ${formatBytes(Math.max(0, own))} is within the threshold (${formatBytes(threshold)})`);
  }
  if (recent > once) {
    const top = trends.find((t) => t.site.owner === 'user' && t.shape === 'recent')!;
    return plain('bounded', `${kept}, but only from the latest tests (older ones were freed): bounded, e.g. a cache at capacity, at ${siteLabel(top.site)}`);
  }
  const top = trends.find((t) => t.site.owner === 'user' && t.shape !== 'recent');
  return plain('one-time', `${kept}, but no allocation site kept memory from test after test: one-time (warm-up, first use)${top ? ` at ${siteLabel(top.site)}` : ''}`);
}
