import { frameOwner, packageOf, relativeToRoot, urlToPath, type FrameContext } from '../core/frames.js';
import { NO_DISTANCE, type Distances } from './distances.js';
import type { HeapGraph } from './graph.js';
import { stringProperty } from './paths.js';

/**
 * Whose code holds an object: the code nearest to it on its retainer path.
 * - `user` / `library`: a closure of the project's code (or of a dependency)
 *   keeps it in its context, or it is reached from a module's exports;
 * - `runner` / `heaplens`: the test runner's or heaplens' own code does
 *   (Vitest's task event buffer in a runner function's context, a spy
 *   registry, decoded source maps on a module record, heaplens' hook timers);
 * - `engine`: reached only through V8's metadata of compiled code (a
 *   function's `shared › function_data`, feedback cells, constant pools):
 *   strings and arrays of code, not of the program;
 * - `none`: nothing on the path says (plain properties from `global`).
 */
export type HolderOwner = 'user' | 'library' | 'runner' | 'heaplens' | 'engine' | 'none';

export interface Holder {
  readonly owner: HolderOwner;
  /** Project-relative script of the holding code (`src/cache.ts`), or the package for a library; null when unknown. */
  readonly file: string | null;
}

const NONE: Holder = { owner: 'none', file: null };
const ENGINE: Holder = { owner: 'engine', file: null };
const RUNNER: Holder = { owner: 'runner', file: null };

/**
 * Internal edges from compiled code and its metadata. An object reached
 * through one is part of a function's code (source positions, constant
 * pools, the names in a scope info), not of the program's data.
 */
const CODE_EDGES = new Set([
  'shared',
  'code',
  'function_data',
  'instruction_stream',
  'feedback_cell',
  'feedback_vector',
  'raw_feedback_cell',
  'constant_pool',
  'source_position_table',
  'scope_info',
  'name_or_scope_info',
  'raw_outer_scope_info_or_feedback_metadata',
  'bytecode_array',
  'script_or_debug_info',
  'deoptimization_data',
  'relocation_info',
]);

/** A timer's or immediate's callback. */
const CALLBACK_EDGES = new Set(['_onTimeout', '_onImmediate']);

/** Module records: Jest's and Node's CommonJS `Module`, Vitest's evaluated module nodes. */
const MODULE_CLASSES = new Set(['Module', 'EvaluatedModuleNode', 'ModuleNode']);
/** Edges from a module record to what the module's own code made; anything else on it is the loader's. */
const MODULE_VALUE_EDGES = new Set(['exports', 'namespace', 'module', 'evaluated']);

/** A JS global object or global proxy (it points to its native context); not a context itself. */
function isGlobalObject(graph: HeapGraph, o: number): boolean {
  return graph.type(o) === graph.meta.nodeType.object && !graph.className(o).startsWith('system / ') && internalTarget(graph, o, (name) => name === 'native_context') !== null;
}

/**
 * A module record: a `Module` or evaluated module node by class, or an object
 * with `exports` and a `filename` (jest-runtime's records are plain objects).
 */
function isModuleRecord(graph: HeapGraph, o: number): boolean {
  if (MODULE_CLASSES.has(graph.className(o))) return true;
  return graph.type(o) === graph.meta.nodeType.object && internalTarget(graph, o, (name) => name === 'exports') !== null && stringProperty(graph, o, 'filename') !== null;
}

/** The script a closure was compiled from (its URL or path), from `shared › script`. */
export function scriptOf(graph: HeapGraph, closure: number): string | null {
  const shared = internalTarget(graph, closure, (name) => name === 'shared');
  if (shared === null) return null;
  const script = internalTarget(graph, shared, (name) => name === 'script' || name === 'script_or_debug_info');
  if (script === null) return null;
  const name = graph.name(script);
  // Node 20 names the script node by its URL; other versions call it `system / Script` with a `name` edge.
  if (name && !name.startsWith('system / ')) return name;
  const named = internalTarget(graph, script, (edge) => edge === 'name' || edge === 'source_url');
  return named === null ? null : graph.name(named) || null;
}

function internalTarget(graph: HeapGraph, o: number, match: (name: string) => boolean): number | null {
  for (let e = graph.firstEdge[o]!, end = graph.firstEdge[o + 1]!; e < end; e += graph.edgeFieldCount) {
    const type = graph.edgeType(e);
    if (type !== graph.meta.edgeType.internal && type !== graph.meta.edgeType.property) continue;
    if (match(graph.edgeName(e))) return graph.edgeTarget(e);
  }
  return null;
}

/** The first of `names` that `o` has as a string property. */
function firstStringProperty(graph: HeapGraph, o: number, names: readonly string[]): string | null {
  for (const name of names) {
    const value = stringProperty(graph, o, name);
    if (value !== null) return value;
  }
  return null;
}

/**
 * Finds each object's holder along the shortest retainer paths. Memoized by
 * node: a path's holder is decided by the node itself (a closure), by the
 * edge it is reached through (compiled code's metadata, a module record's
 * field), or else by its parent on the path, so each node is decided once.
 */
export function createHolderFinder(graph: HeapGraph, distances: Distances, context: FrameContext): (o: number) => Holder {
  const holders: Holder[] = [NONE, ENGINE, RUNNER];
  const memo = new Int32Array(graph.nodeCount).fill(-1);
  const byScript = new Map<string, number>();
  const types = graph.meta.nodeType;
  const internalEdge = graph.meta.edgeType.internal;
  // Whether a node is a module record, asked once per node: it is asked for the parent of each child on a
  // path, and scanning the edges of an array of 40,000 elements once per element took 45 s on a 37 MB pair.
  const moduleRecord = new Int8Array(graph.nodeCount);
  const isModule = (o: number): boolean => {
    if (moduleRecord[o] === 0) moduleRecord[o] = isModuleRecord(graph, o) ? 1 : 2;
    return moduleRecord[o] === 1;
  };

  const holderOfScript = (script: string | null): number | null => {
    if (!script) return null;
    let index = byScript.get(script);
    if (index === undefined) {
      const owner = frameOwner(script, context);
      if (owner === 'node' || owner === 'unknown') index = -1;
      else {
        const file = owner === 'user' ? relativeToRoot(script, context.root) : owner === 'library' ? packageOf(urlToPath(script) ?? script) : null;
        index = holders.push({ owner, file }) - 1;
      }
      byScript.set(script, index);
    }
    return index < 0 ? null : index;
  };

  /** The holder decided at `o` itself, or null to ask its parent. */
  const decide = (o: number): number | null => {
    // A global object (Node's, or a Jest environment's vm context global, reached through the
    // runner's closures that hold the environment): its own properties are the program's globals.
    if (isGlobalObject(graph, o)) return 0;
    // A closure is its script's; so is a suspended async function or generator (its `function`),
    // and a pending timer (its callback: heaplens' and the runner's hook timers are theirs).
    const fn = graph.type(o) === types.closure ? o : internalTarget(graph, o, (name) => name === 'function' || CALLBACK_EDGES.has(name));
    if (fn !== null && graph.type(fn) === types.closure) {
      const own = holderOfScript(scriptOf(graph, fn));
      if (own !== null) return own;
    }
    if (o === graph.rootOrdinal || distances.distance[o] === 1 || distances.distance[o] === NO_DISTANCE) return 0;
    const edge = distances.viaEdge[o]!;
    const parent = distances.viaNode[o]!;
    if (graph.edgeType(edge) === internalEdge && CODE_EDGES.has(graph.edgeName(edge))) return 1;
    if (isModule(parent)) {
      if (!MODULE_VALUE_EDGES.has(graph.edgeName(edge))) return 2;
      const file = firstStringProperty(graph, parent, ['filename', 'file', 'id']);
      return holderOfScript(file) ?? 0;
    }
    return null;
  };

  return (start: number): Holder => {
    const path: number[] = [];
    let o = start;
    let found = -1;
    for (;;) {
      if (memo[o]! >= 0) {
        found = memo[o]!;
        break;
      }
      path.push(o);
      const decided = decide(o);
      if (decided !== null) {
        found = decided;
        break;
      }
      o = distances.viaNode[o]!;
    }
    for (const node of path) memo[node] = found;
    return holders[found]!;
  };
}
