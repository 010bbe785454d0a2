/**
 * Where the bytes a scope kept were allocated, and during which test or hook.
 * Pure: decodes one `HeapProfiler.getSamplingProfile` result taken at the
 * scope's end, plus the boundaries heaplens marked while the scope ran.
 *
 * Sites. Every sample carries the stack that allocated it. Its site is the
 * innermost frame in the user's code (project files outside node_modules):
 * the function of the user's that allocated it, or that called the library,
 * Node or runner code that did. V8's sampling profile knows functions, not
 * call lines, so a site is a function with the position where it is defined.
 * Memory allocated by runner code called from the user's code (`vi.fn()`,
 * `expect` snapshot state) or by the runner on its own (per-test records) is
 * the runner's: it is freed when the file ends.
 *
 * Tests. Samples are numbered in allocation order ("ordinal"), but reading
 * the profile costs a full GC, so it is read once, at the end. To know which
 * ordinals belong to which test, heaplens allocates a boundary marker at each
 * test and hook boundary (see boundary-markers.ts; decoded in marker-cuts.ts): an array large enough
 * that the sampler takes it with near certainty, kept alive until the end.
 * Its sample's ordinal is the boundary; its length encodes which boundary it
 * is, so a marker the sampler missed only merges two neighbouring segments.
 */
import { frameOwner, isSpyPackage, relativeToRoot, runnerPackageOf, urlToPath, type FrameContext } from './frames.js';
import { cutBefore, decodeCuts, markerResidue, MARKER_FUNCTION, SCOPE_MARKER_FUNCTION, type Boundary, type Cut } from './marker-cuts.js';

export interface ProfileCallFrame {
  readonly functionName: string;
  readonly scriptId?: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
export interface ProfileNode {
  readonly id: number;
  readonly callFrame: ProfileCallFrame;
  readonly children: readonly ProfileNode[];
}
export interface ProfileSample {
  readonly size: number;
  readonly nodeId: number;
  readonly ordinal: number;
}
export interface SamplingProfile {
  readonly head: ProfileNode;
  readonly samples: readonly ProfileSample[];
}

export type Phase = 'beforeAll' | 'beforeEach' | 'test' | 'afterEach' | 'afterAll';

export interface SiteRecord {
  /** `src/cache.ts:5:3` (project-relative, 1-based), or `(runner)` / `(node internals)` for stacks with no user frame. */
  readonly site: string;
  /** The function at the site; `(anonymous)` when it has no name. */
  readonly fn: string;
  /** `runner`: allocated by the runner (on its own, or from the user's call into it); freed when the file ends. */
  readonly owner: 'user' | 'runner';
  /** For runner-held memory: the runner package that allocated it. */
  readonly via: string | null;
  /** Sampled bytes still alive at the scope's end. */
  readonly bytes: number;
  /** Those bytes by the test during which they were allocated (index in run order). */
  readonly perTest: readonly number[];
  readonly byPhase: Readonly<Record<Phase, number>>;
  /** Where the site is in the code V8 ran (transformed), until `remapSites` has mapped it to the source. */
  readonly generated?: { readonly scriptId: string; readonly url: string; readonly line: number; readonly column: number };
}

export interface Attribution {
  /** Tests that ran in the scope. */
  readonly tests: number;
  /** Indexes of the tests whose start was observed (their marker was sampled): the points of the series. */
  readonly observed: readonly number[];
  /** Largest sites first; the rest are summed into `rest`. */
  readonly sites: readonly SiteRecord[];
  /** Sampled live bytes in sites beyond the ones listed. */
  readonly rest: number;
  /** All sampled live bytes attributed (user + runner), heaplens' own excluded. */
  readonly total: number;
  /** How many samples that is. */
  readonly samples: number;
  /**
   * User functions with the bytes allocated while each was on the stack
   * (inclusive: its own and its callees'), largest first. Growth is judged on
   * these: V8 leaves inlined functions out of sampled stacks, so once a hot
   * caller inlines a helper, the helper's allocations show up as the caller's.
   * Only the samples of sites that kept memory in two tests or more count
   * (see attribute()): one-time sites under a shared caller are warm-up.
   */
  readonly frames: readonly FrameSeries[];
  /**
   * Whether sites are source positions (mapped through source maps). Scopes
   * that kept too little to be flagged are not mapped: it costs a debugger
   * round trip per new script, and their sites are not reported.
   */
  readonly sourceMapped: boolean;
  /**
   * Project-relative files whose sites could not be mapped and whose positions are in the code the
   * runner's transformer produced (a TypeScript file with no source map): their lines are not the
   * source's. Absent when there are none.
   */
  readonly unmapped?: readonly string[];
}

export interface FrameSeries {
  readonly site: string;
  readonly fn: string;
  readonly bytes: number;
  readonly perTest: readonly number[];
  /** User frames it called that also allocated (its descendants on sampled stacks). */
  readonly callees: readonly string[];
  readonly generated?: SiteRecord['generated'];
}

export const MAX_FRAMES = 40;

export const MAX_SITES = 20;

/**
 * The pseudo-site of samples with neither a user nor a runner frame on their stack: Node's own work on
 * the event loop (sockets, timers, streams, `fetch` internals), many unrelated allocations in one.
 */
export const NODE_INTERNALS_SITE = '(node internals)';

/** A user function on a sampled stack. */
interface ChainLink {
  /** `file:line:col`, 1-based, in the code V8 ran. */
  readonly site: string;
  readonly fn: string;
  readonly generated?: SiteRecord['generated'];
}

export interface NodeInfo {
  /** User frames on the stack, outermost first, each function once. */
  readonly chain: readonly ChainLink[];
  /** Allocated in a boundary or scope marker function (heaplens' own, never attributed). */
  readonly marker: boolean;
  readonly own: boolean;
  readonly site: string;
  readonly generated?: SiteRecord['generated'];
  readonly fn: string;
  readonly owner: 'user' | 'runner';
  readonly via: string | null;
}

function linkOf(frame: ProfileCallFrame, root: string): ChainLink {
  // Math.max: vite-node's module wrapper starts before column 0 (see originalPosition).
  const site = `${relativeToRoot(frame.url, root)}:${frame.lineNumber + 1}:${Math.max(0, frame.columnNumber) + 1}`;
  const generated = frame.scriptId ? { scriptId: frame.scriptId, url: frame.url, line: frame.lineNumber, column: frame.columnNumber } : undefined;
  return { site, fn: frame.functionName || '(anonymous)', generated };
}

interface WalkState {
  chain: readonly ChainLink[];
  /** The innermost user frame so far. */
  user: ChainLink | null;
  runnerAfterUser: string | null;
  /** A spy (vi.fn(), jest.fn()) the user's code called: what its implementation returns, the spy records. */
  spy: string | null;
  runnerAny: string | null;
  own: boolean;
}

/** What each node of the profile's call tree stands for: its site, owner and user frames. */
export function describeNodes(head: ProfileNode, context: FrameContext): Map<number, NodeInfo> {
  const out = new Map<number, NodeInfo>();
  // A profile has thousands of nodes but few scripts: classify each URL once.
  const owners = new Map<string, ReturnType<typeof frameOwner>>();
  const ownerOf = (url: string) => {
    let owner = owners.get(url);
    if (owner === undefined) owners.set(url, (owner = frameOwner(url, context)));
    return owner;
  };
  const visit = (node: ProfileNode, parent: WalkState) => {
    const frame = node.callFrame;
    const owner = ownerOf(frame.url);
    const state: WalkState = { ...parent };
    // heaplens' own allocations are those made in its code, not in code it calls: a suite runs inside
    // heaplens' aroundAll hook (Vitest >= 4.1), so its tests' stacks start with heaplens frames.
    if (owner === 'heaplens') state.own = true;
    else if (owner === 'user' || owner === 'runner') state.own = false;
    if (owner === 'user') {
      const link = linkOf(frame, context.root);
      state.user = link;
      state.runnerAfterUser = null;
      if (!state.chain.some((c) => c.site === link.site)) state.chain = [...state.chain, link];
    } else if (owner === 'runner') {
      const pkg = runnerPackageOf(urlToPath(frame.url) ?? '');
      if (state.user) state.runnerAfterUser ??= pkg;
      if (state.user && isSpyPackage(pkg)) state.spy ??= pkg;
      state.runnerAny ??= pkg;
    }
    out.set(node.id, infoOf(frame, state));
    // Recursion is safe: V8 cuts sampled stacks at 128 frames (the inspector's stack depth).
    for (const child of node.children) visit(child, state);
  };
  visit(head, { chain: [], user: null, runnerAfterUser: null, spy: null, runnerAny: null, own: false });
  return out;
}

function infoOf(frame: ProfileCallFrame, state: WalkState): NodeInfo {
  const marker = frame.functionName === MARKER_FUNCTION || frame.functionName === SCOPE_MARKER_FUNCTION;
  if (state.user) {
    const { site, fn, generated } = state.user;
    const base = { chain: state.chain, marker, own: state.own, site, fn, generated };
    // Allocated in runner code, or by an implementation a spy called (the spy keeps its results).
    const runner = state.runnerAfterUser ?? state.spy;
    if (runner) return { ...base, owner: 'runner', via: runner };
    return { ...base, owner: 'user', via: null };
  }
  if (state.runnerAny) return { chain: [], marker, own: state.own, site: '(runner)', fn: state.runnerAny, owner: 'runner', via: state.runnerAny };
  return { chain: [], marker, own: state.own, site: NODE_INTERNALS_SITE, fn: frame.functionName || '(anonymous)', owner: 'user', via: null };
}

function phaseOf(cut: Cut | undefined, lastTest: number): { phase: Phase; test: number | null } {
  if (!cut) return { phase: 'beforeAll', test: null };
  const { kind, test } = cut.boundary;
  if (kind === 'after') return test === lastTest ? { phase: 'afterAll', test: null } : { phase: 'afterEach', test };
  return { phase: kind, test };
}

const emptyPhases = (): Record<Phase, number> => ({ beforeAll: 0, beforeEach: 0, test: 0, afterEach: 0, afterAll: 0 });

export interface AttributionInput {
  readonly profile: SamplingProfile;
  /** The scope's start mark: only samples with a higher ordinal are its own. */
  readonly mark: number;
  /**
   * The scope's end, for a scope read after it ended (with its group of siblings, scope-group.ts): only
   * samples up to this ordinal are its own. Absent: read at its end, every newer sample is its.
   */
  readonly until?: number;
  readonly boundaries: readonly Boundary[];
  /** Tests that ran in the scope. */
  readonly tests: number;
}

export function attribute(input: AttributionInput, context: FrameContext): Attribution {
  return attributeWith(describeNodes(input.profile.head, context), input);
}

/** attribute() with the profile's nodes already described (a group of scopes shares them). */
export function attributeWith(nodes: ReadonlyMap<number, NodeInfo>, input: AttributionInput): Attribution {
  const { profile, mark, boundaries, tests } = input;
  const until = input.until ?? Number.POSITIVE_INFINITY;
  const mine = (ordinal: number) => ordinal > mark && ordinal <= until;
  const markers: Array<{ ordinal: number; residue: number }> = [];
  for (const sample of profile.samples) {
    const info = nodes.get(sample.nodeId);
    // A marker is heaplens' allocation of a marker's size. Its own function
    // is not always the leaf: V8's sampled stacks leave out inlined frames,
    // and optimized code inlines heaplens_boundary_marker into its caller.
    if (!mine(sample.ordinal) || !info || !(info.marker || info.own)) continue;
    const residue = markerResidue(sample.size);
    if (residue !== null) markers.push({ ordinal: sample.ordinal, residue });
  }
  const cuts = decodeCuts(markers, boundaries);
  const lastTest = tests - 1;
  const bySite = new Map<string, { info: NodeInfo; bytes: number; perTest: number[]; byPhase: Record<Phase, number> }>();
  let total = 0;
  let count = 0;
  const frames = new Map<string, { site: string; fn: string; generated: SiteRecord['generated']; bytes: number; perTest: number[]; callees: Set<string> }>();
  const userSamples: Array<{ info: NodeInfo; entry: { perTest: number[] }; test: number | null; size: number }> = [];
  for (const sample of profile.samples) {
    if (!mine(sample.ordinal)) continue;
    const info = nodes.get(sample.nodeId);
    if (!info || info.own || info.marker) continue;
    const { phase, test } = phaseOf(cutBefore(cuts, sample.ordinal), lastTest);
    const key = `${info.owner}\0${info.site}\0${info.via ?? ''}`;
    let entry = bySite.get(key);
    if (!entry) {
      entry = { info, bytes: 0, perTest: new Array<number>(tests).fill(0), byPhase: emptyPhases() };
      bySite.set(key, entry);
    }
    entry.bytes += sample.size;
    entry.byPhase[phase] += sample.size;
    if (test !== null && test < tests) entry.perTest[test]! += sample.size;
    total += sample.size;
    count += 1;
    if (info.owner === 'user') userSamples.push({ info, entry, test, size: sample.size });
  }
  // A frame's series counts only the samples of sites that kept memory in two tests or more. Why: a
  // dispatcher every test calls (a validation library's validate(), a router's handle()) reaches a
  // different function in each test, and each of those warms up once: a lazily built table, a compiled
  // pattern, a library loaded on first use. Inclusive, the dispatcher then keeps memory from test after
  // test without any allocation site doing so, and on class-validator (619 tests, each first use of one
  // of ~80 validators) that flipped the file between `leak` and `ok` from run to run. A leak is the same
  // site keeping memory again and again, so its samples recur at that site, whichever frames are above it.
  const recurs = new Map<object, boolean>();
  const recurring = (entry: { perTest: number[] }) => {
    let known = recurs.get(entry);
    if (known === undefined) recurs.set(entry, (known = entry.perTest.filter((v) => v > 0).length >= 2));
    return known;
  };
  for (const { info, entry, test, size } of userSamples) {
    if (!recurring(entry)) continue;
    info.chain.forEach((link, depth) => {
      let frame = frames.get(link.site);
      if (!frame) {
        frame = { site: link.site, fn: link.fn, generated: link.generated, bytes: 0, perTest: new Array<number>(tests).fill(0), callees: new Set() };
        frames.set(link.site, frame);
      }
      frame.bytes += size;
      if (test !== null && test < tests) frame.perTest[test]! += size;
      for (const callee of info.chain.slice(depth + 1)) frame.callees.add(callee.site);
    });
  }
  const frameList: FrameSeries[] = [...frames.values()]
    .sort((a, b) => b.bytes - a.bytes || a.site.localeCompare(b.site))
    .slice(0, MAX_FRAMES)
    .map((f) => ({ site: f.site, fn: f.fn, bytes: f.bytes, perTest: f.perTest, callees: [...f.callees], ...(f.generated ? { generated: f.generated } : {}) }));
  const ranked = [...bySite.values()].sort((a, b) => b.bytes - a.bytes || a.info.site.localeCompare(b.info.site));
  const sites: SiteRecord[] = ranked.slice(0, MAX_SITES).map(({ info, bytes, perTest, byPhase }) => ({
    site: info.site,
    fn: info.fn,
    owner: info.owner,
    via: info.via,
    bytes,
    perTest,
    byPhase,
    ...(info.generated ? { generated: info.generated } : {}),
  }));
  const rest = ranked.slice(MAX_SITES).reduce((sum, e) => sum + e.bytes, 0);
  const observed = [...new Set(cuts.filter((c) => c.boundary.kind !== 'after').map((c) => c.boundary.test))].sort((a, b) => a - b);
  return { tests, observed, sites, rest, total, samples: count, frames: frameList, sourceMapped: false };
}

/** The pseudo-site of external memory (ArrayBuffer backing stores), which the sampler does not see. */
export const EXTERNAL_SITE = '(external memory)';

/**
 * Adds external memory as a site: its per-test series is how much external
 * memory grew from each test's start to the next one's (unsettled readings,
 * negative steps count as zero), scaled so that it sums to the settled
 * growth over the scope. Nothing is added when external memory did not grow.
 */
export function withExternal(attribution: Attribution, atTest: readonly number[], atEnd: number, settledGrowth: number): Attribution {
  if (settledGrowth <= 0 || atTest.length === 0) return attribution;
  const steps = atTest.map((value, i) => Math.max(0, (atTest[i + 1] ?? atEnd) - value));
  const sum = steps.reduce((a, b) => a + b, 0);
  const perTest = new Array<number>(attribution.tests).fill(0);
  const scale = sum > 0 ? settledGrowth / sum : 0;
  steps.forEach((step, i) => {
    if (i < perTest.length) perTest[i] = Math.round(step * scale);
  });
  const inTests = perTest.reduce((a, b) => a + b, 0);
  const site: SiteRecord = {
    site: EXTERNAL_SITE,
    fn: 'ArrayBuffer',
    owner: 'user',
    via: null,
    bytes: settledGrowth,
    perTest,
    byPhase: { ...emptyPhases(), test: inTests, beforeAll: Math.max(0, settledGrowth - inTests) },
  };
  const sites = [...attribution.sites, site].sort((a, b) => b.bytes - a.bytes);
  return { ...attribution, sites, total: attribution.total + settledGrowth };
}

/** Maps a generated position to the user's source (`file:line:column`, 1-based), or null to keep it. */
export type PositionMapper = (generated: NonNullable<SiteRecord['generated']>) => { path: string; line: number; column: number } | null;

/** Rewrites sites and frames to source positions where a source map says where they are; drops the generated positions. */
export function remapSites(attribution: Attribution, map: PositionMapper, root: string): Attribution {
  const renamed = new Map<string, string>();
  const rename = <T extends { site: string; generated?: SiteRecord['generated'] }>(item: T): Omit<T, 'generated'> => {
    const { generated, ...rest } = item;
    if (!generated) return rest;
    const original = map(generated);
    if (!original) return rest;
    const site = `${relativeToRoot(original.path, root)}:${original.line + 1}:${original.column + 1}`;
    renamed.set(item.site, site);
    return { ...rest, site };
  };
  const sites = attribution.sites.map(rename);
  const frames = attribution.frames.map(rename).map((f) => ({ ...f, callees: f.callees.map((c) => renamed.get(c) ?? c) }));
  return { ...attribution, sites, frames, sourceMapped: true };
}
