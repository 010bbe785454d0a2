import { describe, expect, it } from 'vitest';
import type { Attribution, SiteRecord } from '../src/core/attribution.js';
import { growingBound, judgeRepetition, LEAK_FLOOR, siteShape } from '../src/core/repetition.js';

const KB = 1024;
const MB = 1024 * KB;
const phases = { beforeAll: 0, beforeEach: 0, test: 0, afterEach: 0, afterAll: 0 };

function site(perTest: number[], extra: Partial<SiteRecord> = {}): SiteRecord {
  const bytes = perTest.reduce((a, b) => a + b, 0);
  return { site: 'src/a.ts:3:1', fn: 'remember', owner: 'user', via: null, bytes, perTest, byPhase: { ...phases, test: bytes }, ...extra };
}

function attribution(sites: SiteRecord[], tests = sites[0]?.perTest.length ?? 0): Attribution {
  const total = sites.reduce((a, s) => a + s.bytes, 0);
  // Each site as its own user function, called from nowhere else (what inlining-free stacks give).
  const frames = sites.filter((s) => s.owner === 'user').map((s) => ({ site: s.site, fn: s.fn, bytes: s.bytes, perTest: s.perTest, callees: [] }));
  return { tests, observed: Array.from({ length: tests }, (_, i) => i), sites, rest: 0, total, samples: 0, frames, sourceMapped: true };
}

/** Sampled series: each sample stands for ~8 KiB, so a 45 KB-per-test leak shows as 3 to 8 samples a test. */
const SAMPLED_LISTENER_LEAK = [6, 5, 7, 4, 6, 8, 5, 3, 6, 7, 5, 6, 4, 5, 7, 6, 5, 6, 4, 7].map((n) => n * 8 * KB);

describe('siteShape', () => {
  it('calls a site that keeps memory from test after test growing', () => {
    expect(siteShape(site(SAMPLED_LISTENER_LEAK), [...SAMPLED_LISTENER_LEAK.keys()]).shape).toBe('growing');
  });

  it('calls memory kept from the first test only once', () => {
    const once = [4 * MB, ...new Array(19).fill(0)];
    expect(siteShape(site(once), [...once.keys()]).shape).toBe('once');
  });

  it('calls memory kept only from the latest tests recent', () => {
    const recent = [...new Array(14).fill(0), 300 * KB, 310 * KB, 290 * KB, 300 * KB, 305 * KB, 300 * KB];
    expect(siteShape(site(recent), [...recent.keys()]).shape).toBe('recent');
  });

  it('calls a cache at capacity recent despite a stray sample from an early test', () => {
    const recent = [...new Array(14).fill(0), ...new Array(6).fill(330 * KB)];
    recent[2] = 8 * KB;
    expect(siteShape(site(recent), [...recent.keys()]).shape).toBe('recent');
  });

  it('never calls runner-held memory growing', () => {
    expect(siteShape(site(SAMPLED_LISTENER_LEAK, { owner: 'runner', via: '@vitest/spy' }), [...SAMPLED_LISTENER_LEAK.keys()]).shape).not.toBe('growing');
  });

  it('does not call a few stray samples growing', () => {
    const stray = new Array(20).fill(0);
    stray[3] = 8 * KB;
    stray[17] = 8 * KB;
    expect(siteShape(site(stray), [...stray.keys()]).shape).not.toBe('growing');
  });
});

describe('judgeRepetition', () => {
  it('flags a steady leak under the threshold, with its rate and site', () => {
    const j = judgeRepetition(attribution([site(SAMPLED_LISTENER_LEAK, { site: 'src/tracing.js:8:3', fn: 'traceRequest' })]), 900 * KB, MB);
    expect(j.verdict).toBe('leak');
    expect(j.reason).toMatch(/^\+[\d.]+ KB per test over 20 tests, allocated at src\/tracing\.js:8:3 \(traceRequest\(\)\)$/);
  });

  it('flags a growing site next to a larger one-time structure', () => {
    const init = site([4.5 * MB, ...new Array(19).fill(0)], { site: 'src/schema.ts:2:1', fn: 'loadSchema' });
    const leak = site(new Array(20).fill(136 * KB), { site: 'src/sessions.ts:4:1', fn: 'openSession' });
    const j = judgeRepetition(attribution([init, leak]), 7.2 * MB, MB);
    expect(j.verdict).toBe('leak');
    expect(j.growing.map((t) => t.site.fn)).toEqual(['openSession']);
  });

  it('calls warm-up over the threshold one-time, naming its site', () => {
    const j = judgeRepetition(attribution([site([4.5 * MB, ...new Array(19).fill(0)], { fn: 'buildTable' })]), 4.6 * MB, MB);
    expect(j.verdict).toBe('one-time');
    expect(j.reason).toContain('buildTable()');
  });

  it('calls a cache at capacity bounded', () => {
    const recent = [...new Array(14).fill(0), ...new Array(6).fill(330 * KB)];
    expect(judgeRepetition(attribution([site(recent)]), 2 * MB, MB).verdict).toBe('bounded');
  });

  it('does not fail a run for memory the runner holds, and says where it comes from', () => {
    const spies = site(new Array(20).fill(100 * KB), { owner: 'runner', via: '@vitest/spy', site: 'test/_setup.ts:12:1', fn: '(anonymous)' });
    const j = judgeRepetition(attribution([spies]), 2 * MB, MB);
    expect(j.verdict).toBe('ok');
    expect(j.reason).toContain('vi.fn() spies created at test/_setup.ts:12:1; vi.restoreAllMocks() frees them');
  });

  it("judges what the suite kept beside the runner's share against the threshold, whichever share is larger", () => {
    // h3's app.test.ts: 1.6 MB of spies and 1.5 MB of the suite's own; both shares within 10% of each other.
    const spies = site(new Array(20).fill(80 * KB), { owner: 'runner', via: '@vitest/spy', site: 'test/_setup.ts:133:14', fn: '(anonymous)' });
    const own = site([1.5 * MB, ...new Array(19).fill(0)], { site: 'src/response.ts:5:1', fn: 'errorResponse' });
    expect(judgeRepetition(attribution([spies, own]), 3.1 * MB, MB).verdict).toBe('one-time');
    const small = site([0.9 * MB, ...new Array(19).fill(0)], { site: 'src/response.ts:5:1', fn: 'errorResponse' });
    const j = judgeRepetition(attribution([spies, small]), 2.5 * MB, MB);
    expect(j.verdict).toBe('ok');
    expect(j.reason).toBe(
      "kept 2.5 MB; 1.6 MB is held by the runner until the file ends (vi.fn() spies created at test/_setup.ts:133:14; vi.restoreAllMocks() frees them): not this suite's leak, and the suite's own 960 KB is within the threshold (1.0 MB)",
    );
  });

  it('bounds what a leak could rest on after more GCs by the outermost growing functions', () => {
    // handle() calls remember(): a settle that takes remember()'s samples away leaves handle() the most
    // specific, with more bytes than remember() had.
    const remember = site(SAMPLED_LISTENER_LEAK.map((v) => v / 2), { site: 'src/cache.ts:3:1', fn: 'remember' });
    const handle = { site: 'src/handle.ts:1:1', fn: 'handle', bytes: remember.bytes * 2, perTest: SAMPLED_LISTENER_LEAK, callees: ['src/cache.ts:3:1'] };
    const once = site([200 * KB, ...new Array(19).fill(0)], { site: 'src/init.ts:1:1', fn: 'init' });
    const base = attribution([remember, once]);
    const a = { ...base, frames: [handle, ...base.frames] };
    expect(growingBound(a)).toBe(handle.bytes);
    expect(growingBound(attribution([once]))).toBe(0);
  });

  it("never gives Node's internals a shape: they are many unrelated allocations in one pseudo-site", () => {
    const internals = site([...new Array(14).fill(0), ...new Array(6).fill(330 * KB)], { site: '(node internals)', fn: 'emitCloseNT' });
    expect(siteShape(internals, [...internals.perTest.keys()]).shape).toBe('once');
    expect(siteShape(site(SAMPLED_LISTENER_LEAK, { site: '(node internals)' }), [...SAMPLED_LISTENER_LEAK.keys()]).shape).toBe('once');
    expect(judgeRepetition(attribution([internals]), 2 * MB, MB).verdict).toBe('one-time');
  });

  it("counts warm-up spread past the listed sites as warm-up, not as the runner's", () => {
    // class-validator: 1 MB of jest-circus records in two listed sites; 1.5 MB of first uses of ~80
    // validators, each a small site, most of them past the listed ones (`rest`).
    const records = site([...new Array(19).fill(0), 1 * MB], { owner: 'runner', via: 'jest-circus', site: '(runner)', fn: 'jest-circus' });
    const firstUse = site([300 * KB, ...new Array(19).fill(0)], { site: 'src/phone.ts:5:1', fn: 'isPhoneNumber' });
    const base = attribution([records, firstUse]);
    const j = judgeRepetition({ ...base, rest: 1.2 * MB, total: base.total + 1.2 * MB }, 2.5 * MB, MB);
    expect(j.verdict).toBe('one-time');
    expect(j.reason).toContain('src/phone.ts:5:1 (isPhoneNumber())');
  });

  it('names the spies in the runner note when they hold a fair share, though another runner site holds more', () => {
    const records = site(new Array(20).fill(60 * KB), { owner: 'runner', via: 'jest-circus', site: '(runner)', fn: 'jest-circus' });
    const spies = site(new Array(20).fill(40 * KB), { owner: 'runner', via: 'jest-mock', site: 'test/a.test.js:8:3', fn: '(anonymous)' });
    const j = judgeRepetition(attribution([records, spies]), 500 * KB, MB);
    expect(j.runnerNote).toContain('jest.fn() spies created at test/a.test.js:8:3; jest.restoreAllMocks() frees them');
  });

  it('counts a spy\'s memory over all its sites, so spies split over several lines are still named', () => {
    const records = site(new Array(20).fill(40 * KB), { owner: 'runner', via: 'jest-circus', site: '(runner)', fn: 'jest-circus' });
    const impl = site(new Array(20).fill(12 * KB), { owner: 'runner', via: 'jest-mock', site: 'test/a.test.js:8:43', fn: '(anonymous)' });
    const calls = site(new Array(20).fill(10 * KB), { owner: 'runner', via: 'jest-mock', site: 'test/a.test.js:11:31', fn: '(anonymous)' });
    const j = judgeRepetition(attribution([records, impl, calls]), 500 * KB, MB);
    expect(j.runnerNote).toContain('jest.fn() spies created at test/a.test.js:8:43; jest.restoreAllMocks() frees them');
  });

  it('says nothing of the runner\'s own per-test records under half the threshold, but names spies from a quarter', () => {
    const records = site(new Array(20).fill(15 * KB), { owner: 'runner', via: '@vitest/runner', site: '(runner)', fn: '@vitest/runner' });
    expect(judgeRepetition(attribution([records]), 300 * KB, MB).runnerNote).toBeNull();
    const spies = site(new Array(20).fill(15 * KB), { owner: 'runner', via: 'tinyspy', site: 'test/a.test.ts:9:1', fn: '(anonymous)' });
    expect(judgeRepetition(attribution([spies]), 300 * KB, MB).runnerNote).toContain('vi.fn() spies created at test/a.test.ts:9:1');
  });

  it('lets the threshold decide with fewer than 3 tests, and says so', () => {
    const two = attribution([site([3 * MB, 0])]);
    expect(judgeRepetition(two, 3 * MB, MB)).toMatchObject({ verdict: 'leak', reason: 'kept 3.0 MB; 2 tests cannot show a trend, so the threshold (1.0 MB) decides' });
    expect(judgeRepetition(two, 0.5 * MB, MB).verdict).toBe('ok');
  });

  it('needs LEAK_FLOOR bytes at growing sites', () => {
    const small = new Array(20).fill(Math.floor(LEAK_FLOOR / 40));
    expect(judgeRepetition(attribution([site(small)]), LEAK_FLOOR / 2, MB).verdict).toBe('ok');
  });
});

describe('growth through inlining', () => {
  it('finds the leak when a hot caller inlined the helper halfway (the helper stops appearing on stacks)', () => {
    const early = [40, 40, 40, 40, 40, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].map((n) => n * KB);
    const late = early.map((v) => (v > 0 ? 0 : 40 * KB));
    const helper = { site: 'src/logger.ts:4:1', fn: 'logLine', bytes: 240 * KB, perTest: early, callees: [] };
    const caller = { site: 'test/log.test.ts:8:3', fn: '(anonymous)', bytes: 800 * KB, perTest: early.map((v, i) => v + late[i]!), callees: ['src/logger.ts:4:1'] };
    const a: Attribution = { tests: 20, observed: [...early.keys()], sites: [], rest: 0, total: 800 * KB, samples: 0, frames: [caller, helper], sourceMapped: true };
    const j = judgeRepetition(a, 800 * KB, MB);
    expect(j.verdict).toBe('leak');
    expect(j.growing.map((t) => t.site.site)).toEqual(['test/log.test.ts:8:3']);
  });

  it('names the most specific growing function, not its callers', () => {
    const steady = new Array(20).fill(40 * KB);
    const helper = { site: 'src/tracing.ts:8:1', fn: 'traceRequest', bytes: 800 * KB, perTest: steady, callees: [] };
    const caller = { site: 'test/t.test.ts:5:3', fn: '(anonymous)', bytes: 800 * KB, perTest: steady, callees: ['src/tracing.ts:8:1'] };
    const a: Attribution = { tests: 20, observed: [...steady.keys()], sites: [], rest: 0, total: 800 * KB, samples: 0, frames: [caller, helper], sourceMapped: true };
    expect(judgeRepetition(a, 800 * KB, MB).growing.map((t) => t.site.fn)).toEqual(['traceRequest']);
  });
});
