import { NO_DISTANCE, type Distances } from './distances.js';
import type { DominatorTree } from './dominators.js';
import type { HeapGraph } from './graph.js';
import type { FrameContext } from '../core/frames.js';
import { createHolderFinder, type Holder, type HolderOwner } from './holders.js';
import { culpritName } from './names.js';
import { pathKey, retainerPath } from './paths.js';

export { culpritName, STRING_CULPRIT } from './names.js';

/** What a scope leaked: one class of new objects that are still reachable. */
export interface Culprit {
  /** Class name, as DevTools' Summary and Comparison views show it. */
  readonly name: string;
  /** New, reachable objects of this class. */
  readonly count: number;
  /** Their shallow size, bytes. */
  readonly size: number;
  /** Bytes they keep alive, counting an object dominated by another new object only once. */
  readonly retainedSize: number;
  /** Shortest retainer path from a GC root to the largest sample object. */
  readonly path: readonly string[];
  /** Sampled paths grouped by shape (indexes ignored), most common first. */
  readonly paths: ReadonlyArray<{ readonly path: readonly string[]; readonly count: number }>;
  /** Whose code holds them (holders.ts): `user` or `library`, or `none` when the path does not say. */
  readonly holder: HolderOwner;
  /** The holding code's project-relative file (or a library's package), or null. */
  readonly heldIn: string | null;
}

export interface CulpritOptions {
  /** How many culprits to return. Default 5. */
  readonly top?: number;
  /** Objects per culprit whose paths are computed and grouped. Default 20. */
  readonly pathSamples?: number;
  /** The project root and heaplens' own folder: whose code holds an object. Without it, no holders are told apart. */
  readonly context?: FrameContext;
}

export interface CulpritResult {
  readonly culprits: Culprit[];
  /** New objects still reachable (from a user root or a system root). */
  readonly newReachable: number;
  /** Bytes kept alive by new objects of user classes (the culprits' total, all of them). */
  readonly userRetained: number;
  /** Bytes kept alive by new objects left out as engine or runner internals. */
  readonly internalRetained: number;
}

/**
 * Classes that are never culprits, by rule:
 * - engine internals: hidden nodes `(system)`, `(compiled code)`, internal
 *   arrays `(array)`, `(object shape)`, heap numbers, synthetic nodes (their
 *   memory is counted in the objects that own them), and the native objects
 *   of V8 (`system / …`) and of Node (`Node / …`);
 * - runtime and runner bookkeeping: classes whose every sampled retainer path
 *   runs through Node's module loader caches (the builtin-module map, the
 *   realpath cache, the ESM load cache: modules loaded lazily during a
 *   suite), through a script's `source` (source text) or a compiled
 *   function's `shared › function_data` (its metadata), or through the test
 *   runner's own state (`__vitest_worker__`, `__vitest_index__`,
 *   `__vitest_mocker__`, Jest's `__jest…` globals) by plain properties only,
 *   or through heaplens' own reporter (in the tests' isolate when Jest runs
 *   in band) —
 *   a path that passes a module registry entry or a closure `context` reaches
 *   the user's own modules and test callbacks, and stays in.
 */
export const ENGINE_CLASSES = new Set(['(system)', '(compiled code)', '(array)', '(object shape)', '(number)', '(synthetic)', '(hidden)']);
/** Native objects of V8 (`system / …`) and of Node's embedder graph (`Node / …`). */
const NATIVE_INTERNAL = /^(?:system|Node) \/ /;

export function isEngineClass(name: string): boolean {
  return ENGINE_CLASSES.has(name) || NATIVE_INTERNAL.test(name);
}
const RUNNER_STATE = /^(?:__vitest_worker__|__vitest_index__|__vitest_mocker__|__vitest_required__|__VITEST_[A-Z_]+__|__jest[A-Za-z_]*|jasmine[A-Za-z]*)$/;
const NODE_LOADER = /^(?:BuiltinModule|realpathCache|loadCache|moduleLoadList|statCache|packageJsonCache)$/;
/** heaplens' own reporter state: in the same isolate as the tests when Jest runs in band. */
const HEAPLENS_STATE = /\(_?(?:RunCollector|AnalysisQueue|HeaplensJestReporter|HeaplensReporter)\d*\)$/;
const USER_MODULE = /^(?:evaluatedModules|idToModuleMap|moduleCache|fileToModulesMap|urlToIdModuleMap|_cache)$/;

/** True when a retainer path runs through runtime or runner bookkeeping, not the user's modules. */
export function isRunnerPath(path: readonly string[]): boolean {
  const names = path.map((segment) => segment.split(' (')[0] ?? '');
  if (names.some((n) => NODE_LOADER.test(n))) return true;
  if (path.some((segment) => HEAPLENS_STATE.test(segment))) return true;
  // Source text of compiled scripts, and the metadata of compiled functions.
  if (names.some((n, i) => n === 'source' && /^script/.test(names[i - 1] ?? ''))) return true;
  if (names.some((n, i) => n === 'function_data' && names.slice(0, i).includes('shared'))) return true;
  // Runner state reached by plain properties only: no module registry entry,
  // no closure context (test callbacks and module scopes are reached through those).
  return names.some((n) => RUNNER_STATE.test(n)) && !names.some((n) => USER_MODULE.test(n) || n === 'context');
}

/**
 * Where leaked objects are kept rather than what leaked: collections,
 * contexts and Node's timer lists (closures too, by type). A new holder that
 * dominates new objects of other classes steps aside for them, so a registry
 * array created in the suite names the records it holds; a holder that holds
 * nothing new of its own is a culprit itself.
 */
export const HOLDER_CLASSES = new Set(['Array', 'Object', 'Map', 'Set', 'system / Context', 'TimersList']);

/** Holders whose objects are never culprits: the runner's, heaplens' and compiled code's. */
const INTERNAL_HOLDERS = new Set<HolderOwner>(['runner', 'heaplens', 'engine']);
const NO_HOLDER: Holder = { owner: 'none', file: null };

interface ClassAccumulator {
  name: string;
  holder: Holder;
  count: number;
  size: number;
  retainedSize: number;
  /** Top-level new objects with the largest retained sizes, for paths. */
  samples: Array<{ node: number; retained: number }>;
}

/** Ranks the classes of new, reachable objects by what they keep alive. */
export function findCulprits(
  graph: HeapGraph,
  isNew: Uint8Array,
  tree: DominatorTree,
  distances: Distances,
  options: CulpritOptions = {},
): CulpritResult {
  const topCount = options.top ?? 5;
  const pathSamples = options.pathSamples ?? 20;
  const types = graph.meta.nodeType;
  const engineTypes = new Set([types.hidden, types.code, types.array, types.objectShape, types.number, types.synthetic]);
  const stringTypes = new Set([types.string, types.concatenatedString, types.slicedString]);
  const reachableNew = (o: number): boolean =>
    isNew[o] === 1 && distances.distance[o] !== NO_DISTANCE && !engineTypes.has(graph.type(o));
  // A closure is what leaked, with what its context keeps (a registered handler and its payload), not a holder.
  const isHolder = (o: number): boolean => graph.type(o) !== types.closure && HOLDER_CLASSES.has(graph.className(o));
  const holderOf = options.context ? createHolderFinder(graph, distances, options.context) : () => NO_HOLDER;
  const { order, dominator } = tree;

  // Holders (collections, closures, contexts) that dominate a new object of
  // another class are where it is kept, not what leaked: they step aside for
  // it (they do not cover it) and keep only their own part of the memory.
  const n = graph.nodeCount;
  const strongBelow = new Uint8Array(n);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const o = order[i]!;
    // A string is a value of the object that holds it (a label), not what that object keeps: it never makes its holder step aside.
    if (strongBelow[o] || (reachableNew(o) && !isHolder(o) && !stringTypes.has(graph.type(o)))) strongBelow[dominator[o]!] = 1;
  }
  const transparent = (o: number): boolean => strongBelow[o] === 1 && isHolder(o);
  // Top-level candidates: new, reachable, not covered by a candidate above them that covers.
  const covered = new Uint8Array(n);
  const top = new Uint8Array(n);
  let newReachable = 0;
  for (let i = 1; i < order.length; i += 1) {
    const o = order[i]!;
    const d = dominator[o]!;
    covered[o] = covered[d]! || (d !== graph.rootOrdinal && top[d] === 1 && !transparent(d)) ? 1 : 0;
    if (isNew[o] === 1 && distances.distance[o] !== NO_DISTANCE) newReachable += 1;
    if (reachableNew(o) && !covered[o]) top[o] = 1;
  }
  // What the top-level candidates below each node retain: a transparent holder keeps the rest.
  const below = new Float64Array(n);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const o = order[i]!;
    below[dominator[o]!]! += top[o] === 1 ? tree.retainedSize[o]! : below[o]!;
  }
  const byClass = new Map<string, ClassAccumulator>();
  for (let i = 1; i < order.length; i += 1) {
    const o = order[i]!;
    if (!reachableNew(o)) continue;
    // The parts of a cons string are strings too: a string counts once, at the top.
    if (!top[o] && stringTypes.has(graph.type(o))) continue;
    const name = culpritName(graph, o);
    const holder = holderOf(o);
    const key = `${name}\0${holder.owner}\0${holder.file ?? ''}`;
    let acc = byClass.get(key);
    if (!acc) byClass.set(key, (acc = { name, holder, count: 0, size: 0, retainedSize: 0, samples: [] }));
    acc.count += 1;
    acc.size += graph.selfSize(o);
    if (!top[o]) continue;
    const retained = transparent(o) ? tree.retainedSize[o]! - below[o]! : tree.retainedSize[o]!;
    acc.retainedSize += retained;
    if (acc.samples.length < pathSamples) {
      acc.samples.push({ node: o, retained });
      if (acc.samples.length === pathSamples) acc.samples.sort((x, y) => y.retained - x.retained);
    } else if (retained > acc.samples[pathSamples - 1]!.retained) {
      acc.samples[pathSamples - 1] = { node: o, retained };
      acc.samples.sort((x, y) => y.retained - x.retained);
    }
  }

  const ranked = [...byClass.entries()].sort((a, b) => b[1].retainedSize - a[1].retainedSize || a[0].localeCompare(b[0]));
  const culprits: Culprit[] = [];
  let userRetained = 0;
  let internalRetained = 0;
  for (const [, acc] of ranked) {
    const { name, holder } = acc;
    // Every object of the class sits inside another culprit's retained size: nothing of its own to show.
    if (acc.retainedSize === 0) continue;
    if (isEngineClass(name) || INTERNAL_HOLDERS.has(holder.owner)) {
      internalRetained += acc.retainedSize;
      continue;
    }
    // Paths only for classes that may still make the list (and to classify runner bookkeeping).
    if (culprits.length >= topCount) {
      userRetained += acc.retainedSize;
      continue;
    }
    const groups = new Map<string, { path: string[]; count: number }>();
    for (const sample of acc.samples.sort((a, b) => b.retained - a.retained)) {
      const path = retainerPath(graph, distances, sample.node);
      if (!path) continue;
      const key = pathKey(path);
      const group = groups.get(key);
      if (group) group.count += 1;
      else groups.set(key, { path, count: 1 });
    }
    const paths = [...groups.values()].sort((a, b) => b.count - a.count);
    if (holder.owner === 'none' && paths.length > 0 && paths.every((g) => isRunnerPath(g.path))) {
      internalRetained += acc.retainedSize;
      continue;
    }
    userRetained += acc.retainedSize;
    culprits.push({
      name,
      count: acc.count,
      size: acc.size,
      retainedSize: acc.retainedSize,
      path: paths[0]?.path ?? [],
      paths: paths.slice(0, 3),
      holder: holder.owner,
      heldIn: holder.file,
    });
  }
  return { culprits, newReachable, userRetained, internalRetained };
}
