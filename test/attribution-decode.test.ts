import { describe, expect, it } from 'vitest';
import { attribute, remapSites, withExternal, type ProfileNode, type ProfileSample } from '../src/core/attribution.js';
import { decodeCuts, markerBytes, markerLength, markerResidue, MARKER_FUNCTION, MARKER_RESIDUES, type Boundary } from '../src/core/marker-cuts.js';

const ctx = { root: '/app', ownDir: '/app/node_modules/heaplens/dist' };
let nextId = 1;
const frame = (functionName: string, url: string, lineNumber = 0, children: ProfileNode[] = []): ProfileNode => ({
  id: nextId++,
  callFrame: { functionName, url, lineNumber, columnNumber: 0, scriptId: '7' },
  children,
});

/** root › runner › test fn › (remember in src | vi.fn in @vitest/spy), plus heaplens' marker and a runner-only path. */
function tree() {
  const remember = frame('remember', '/app/src/cache.ts', 4);
  const spy = frame('fn', '/app/node_modules/@vitest/spy/dist/index.js');
  const testFn = frame('', '/app/test/a.test.ts', 9, [remember, spy]);
  const marker = frame(MARKER_FUNCTION, '/app/node_modules/heaplens/dist/vitest/setup.js');
  const hook = frame('heaplensBeforeEach', '/app/node_modules/heaplens/dist/vitest/setup.js', 0, [marker]);
  const record = frame('createTask', '/app/node_modules/@vitest/runner/dist/index.js');
  const runner = frame('runTest', '/app/node_modules/@vitest/runner/dist/index.js', 0, [testFn, hook, record]);
  return { head: frame('(root)', '', 0, [runner]), remember, spy, testFn, marker, record };
}

const markerSize = (n: number) => 16 + 8 * markerLength(n);

describe('markers', () => {
  it('encode their number in their size', () => {
    expect(markerResidue(markerSize(0))).toBe(0);
    expect(markerResidue(markerSize(260))).toBe(260 % MARKER_RESIDUES);
    expect(markerResidue(8192)).toBeNull();
    // Elements without header, or folded with the array object: same marker.
    expect(markerResidue(markerSize(5) - 16)).toBe(5);
    expect(markerResidue(markerSize(5) + 32)).toBe(5);
    // ... and with an allocation memento behind the array object.
    expect(markerResidue(markerSize(5) + 48)).toBe(5);
    expect(markerResidue(markerSize(5) + 8)).toBeNull();
    expect(markerResidue(markerSize(5) + 64)).toBeNull();
    expect(markerBytes(3)).toBe(32 + markerSize(3));
  });

  it('ignore an allocation of heaplens that only has the size of a later marker', () => {
    const boundaries: Boundary[] = [0, 1, 2, 3, 4, 5, 6].map((marker) => ({ marker, kind: 'test', test: marker }));
    const cuts = decodeCuts([{ ordinal: 5, residue: 6 }, { ordinal: 10, residue: 0 }, { ordinal: 20, residue: 1 }], boundaries);
    expect(cuts.map((c) => [c.ordinal, c.boundary.test])).toEqual([[10, 0], [20, 1]]);
  });

  it('skip a boundary whose marker was not sampled, merging its segment into the one before', () => {
    const boundaries: Boundary[] = [0, 1, 2, 3].map((marker) => ({ marker, kind: 'test', test: marker }));
    const cuts = decodeCuts([{ ordinal: 30, residue: 3 }, { ordinal: 10, residue: 0 }, { ordinal: 20, residue: 2 }], boundaries);
    expect(cuts.map((c) => [c.ordinal, c.boundary.test])).toEqual([[10, 0], [20, 2], [30, 3]]);
  });
  it('recover a test start the sampler missed from the previous test\'s end marker', () => {
    const boundaries: Boundary[] = [
      { marker: 0, kind: 'test', test: 0 },
      { marker: 1, kind: 'after', test: 0 },
      { marker: 2, kind: 'test', test: 1 },
      { marker: 3, kind: 'after', test: 1 },
      { marker: 4, kind: 'test', test: 2 },
      { marker: 5, kind: 'after', test: 2 },
    ];
    // Marker 2 (test 1 starts) was not sampled; marker 4 neither, nor 3 before it: test 2 merges into test 1.
    const cuts = decodeCuts([{ ordinal: 10, residue: 0 }, { ordinal: 20, residue: 1 }, { ordinal: 40, residue: 5 }], boundaries);
    expect(cuts.map((c) => [c.ordinal, c.boundary.kind, c.boundary.test])).toEqual([
      [10, 'test', 0],
      [20, 'after', 0],
      [20, 'test', 1],
      [40, 'after', 2],
    ]);
  });
});

describe('attribute', () => {
  it('puts each live sample at its innermost user site and in the test it was allocated in', () => {
    const t = tree();
    const boundaries: Boundary[] = [
      { marker: 0, kind: 'test', test: 0 },
      { marker: 1, kind: 'after', test: 0 },
      { marker: 2, kind: 'test', test: 1 },
      { marker: 3, kind: 'after', test: 1 },
    ];
    const samples: ProfileSample[] = [
      { nodeId: t.remember.id, ordinal: 5, size: 8000 }, // before the scope's mark: not its own
      { nodeId: t.remember.id, ordinal: 11, size: 1000 }, // beforeAll
      { nodeId: t.marker.id, ordinal: 12, size: markerSize(0) },
      { nodeId: t.remember.id, ordinal: 13, size: 8000 },
      { nodeId: t.spy.id, ordinal: 14, size: 4000 },
      { nodeId: t.marker.id, ordinal: 15, size: markerSize(1) },
      { nodeId: t.marker.id, ordinal: 16, size: markerSize(2) },
      { nodeId: t.remember.id, ordinal: 17, size: 8000 },
      { nodeId: t.record.id, ordinal: 18, size: 500 },
      { nodeId: t.marker.id, ordinal: 19, size: markerSize(3) },
      { nodeId: t.remember.id, ordinal: 20, size: 300 }, // after the last test: afterAll
    ];
    const a = attribute({ profile: { head: t.head, samples }, mark: 10, boundaries, tests: 2 }, ctx);
    expect(a.observed).toEqual([0, 1]);
    expect(a.total).toBe(1000 + 8000 + 4000 + 8000 + 500 + 300);
    const remember = a.sites.find((s) => s.fn === 'remember')!;
    expect(remember).toMatchObject({ site: 'src/cache.ts:5:1', owner: 'user', via: null, bytes: 17_300, perTest: [8000, 8000] });
    expect(remember.byPhase).toMatchObject({ beforeAll: 1000, test: 16_000, afterAll: 300 });
    expect(a.sites.find((s) => s.owner === 'runner' && s.site === 'test/a.test.ts:10:1')).toMatchObject({ via: '@vitest/spy', perTest: [4000, 0] });
    expect(a.sites.find((s) => s.site === '(runner)')).toMatchObject({ via: '@vitest/runner', perTest: [0, 500] });
    expect(a.sites.some((s) => s.fn === MARKER_FUNCTION)).toBe(false);
  });

  it('counts what tests allocate under a heaplens hook (aroundAll runs the suite) as theirs', () => {
    const leak = frame('remember', '/app/src/cache.ts', 4);
    const testFn = frame('', '/app/test/a.test.ts', 9, [leak]);
    const runner = frame('runSuite', '/app/node_modules/@vitest/runner/dist/index.js', 0, [testFn]);
    const around = frame('heaplensAroundAll', '/app/node_modules/heaplens/dist/vitest/setup.js', 0, [runner]);
    const head = frame('(root)', '', 0, [around]);
    const a = attribute({ profile: { head, samples: [{ nodeId: leak.id, ordinal: 3, size: 100 }] }, mark: 0, boundaries: [], tests: 0 }, ctx);
    expect(a.total).toBe(100);
    expect(a.sites[0]).toMatchObject({ fn: 'remember', owner: 'user' });
  });

  it('counts what a spy\'s implementation allocates as the runner\'s: the spy keeps its results', () => {
    const impl = frame('', '/app/test/a.test.ts', 7);
    const spy = frame('spy', '/app/node_modules/tinyspy/dist/index.js', 0, [impl]);
    const testFn = frame('', '/app/test/a.test.ts', 9, [spy]);
    const head = frame('(root)', '', 0, [testFn]);
    const a = attribute({ profile: { head, samples: [{ nodeId: impl.id, ordinal: 3, size: 100 }] }, mark: 0, boundaries: [], tests: 0 }, ctx);
    expect(a.sites[0]).toMatchObject({ site: 'test/a.test.ts:8:1', owner: 'runner', via: 'tinyspy' });
    expect(a.frames).toEqual([]);
  });

  it("judges a shared caller's frame only on the sites that kept memory in two tests or more", () => {
    // validate() reaches a different validator in each test, and each warms up once; register() below it
    // keeps an entry in every test.
    const checks = [0, 1, 2].map((i) => frame(`isFormat${i}`, `/app/src/format-${i}.ts`));
    const register = frame('register', '/app/src/registry.ts');
    const validate = frame('validate', '/app/src/validate.ts', 0, [...checks, register]);
    const testFn = frame('', '/app/test/a.test.ts', 9, [validate]);
    const marker = frame(MARKER_FUNCTION, '/app/node_modules/heaplens/dist/vitest/setup.js');
    const head = frame('(root)', '', 0, [testFn, marker]);
    const boundaries: Boundary[] = [0, 1, 2].map((n) => ({ marker: n, kind: 'test', test: n }));
    const samples: ProfileSample[] = [0, 1, 2].flatMap((n) => [
      { nodeId: marker.id, ordinal: 10 * n + 1, size: markerSize(n) },
      { nodeId: checks[n]!.id, ordinal: 10 * n + 2, size: 50_000 },
      { nodeId: register.id, ordinal: 10 * n + 3, size: 100 },
    ]);
    const a = attribute({ profile: { head, samples }, mark: 0, boundaries, tests: 3 }, ctx);
    expect(a.sites.filter((s) => s.fn.startsWith('isFormat')).map((s) => s.bytes)).toEqual([50_000, 50_000, 50_000]);
    const byFn = Object.fromEntries(a.frames.map((f) => [f.fn, f.perTest]));
    expect(byFn.validate).toEqual([100, 100, 100]);
    expect(byFn.register).toEqual([100, 100, 100]);
    expect(byFn.isFormat0).toBeUndefined();
  });

  it('remaps generated positions through a source map and drops them from the record', () => {
    const t = tree();
    const a = attribute({ profile: { head: t.head, samples: [{ nodeId: t.remember.id, ordinal: 2, size: 100 }] }, mark: 0, boundaries: [], tests: 0 }, ctx);
    const mapped = remapSites(a, (at) => (at.line === 4 ? { path: '/app/src/cache.ts', line: 1, column: 16 } : null), '/app');
    expect(mapped.sites[0]).toMatchObject({ site: 'src/cache.ts:2:17' });
    expect(mapped.sites[0]).not.toHaveProperty('generated');
    expect([a.sourceMapped, mapped.sourceMapped]).toEqual([false, true]);
  });
});

describe('withExternal', () => {
  it('spreads the settled external growth over the tests in proportion to their steps', () => {
    const base = { tests: 3, observed: [0, 1, 2], sites: [], rest: 0, total: 0, samples: 0, frames: [], sourceMapped: true };
    const a = withExternal(base, [100, 200, 150], 400, 500);
    const site = a.sites[0]!;
    expect(site.site).toBe('(external memory)');
    // steps: +100, -50 (counts as 0), +250; scaled by 500 / 350.
    expect(site.perTest).toEqual([143, 0, 357]);
    expect(withExternal(base, [100, 200, 150], 400, 0)).toBe(base);
  });
});
