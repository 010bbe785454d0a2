import type { Distances } from './distances.js';
import { NO_DISTANCE } from './distances.js';
import type { HeapGraph } from './graph.js';
import { culpritName } from './names.js';

/** How the synthetic root is shown at the start of a path. */
export const ROOT_LABEL = '(GC roots)';
/** Segments a path is shortened to for a terminal line (report.json keeps the whole path). */
export const SHOWN_SEGMENTS = 16;
/** A bound on a stored path's length, so one pathological chain cannot bloat report.json. */
const MAX_SEGMENTS = 200;

function isObjectLike(graph: HeapGraph, o: number): boolean {
  const t = graph.type(o);
  const types = graph.meta.nodeType;
  return t === types.object || t === types.closure || t === types.native || t === types.regexp;
}

/** The string a property of `o` points to (`id` of a Node built-in module), or null. */
export function stringProperty(graph: HeapGraph, o: number, name: string): string | null {
  const { firstEdge, edgeFieldCount } = graph;
  for (let e = firstEdge[o]!, end = firstEdge[o + 1]!; e < end; e += edgeFieldCount) {
    if (graph.edgeType(e) !== graph.meta.edgeType.property || graph.edgeName(e) !== name) continue;
    const target = graph.edgeTarget(e);
    const t = graph.type(target);
    const types = graph.meta.nodeType;
    return t === types.string || t === types.concatenatedString || t === types.slicedString ? graph.name(target) : null;
  }
  return null;
}

/** How an object along a path is named: its class, `fn()` for a closure, `http (module)` for a Node built-in module. */
function label(graph: HeapGraph, o: number): string {
  if (graph.type(o) !== graph.meta.nodeType.closure) {
    const className = graph.className(o);
    if (className !== 'BuiltinModule') return className;
    const id = stringProperty(graph, o, 'id');
    return id ? `${id} (module)` : className;
  }
  const name = graph.name(o);
  return name ? `${name}()` : 'closure';
}

/**
 * The shortest path from a GC root to `node` through non-weak edges, the way
 * DevTools users read it: `(GC roots) › global › quoteCache (Map) › table ›
 * [17] › PriceQuote`. Each step is the edge's name (`[i]` for elements) and,
 * for objects along the way, their class. The whole path (up to 200 steps);
 * `shortenPath` makes it fit a terminal line.
 * Null when the node is not reachable from a user root.
 */
export function retainerPath(graph: HeapGraph, distances: Distances, node: number): string[] | null {
  if (distances.distance[node] === NO_DISTANCE) return null;
  const steps: string[] = [];
  let current = node;
  const root = graph.rootOrdinal;
  // Walk back to a user root (distance 1) or, for system-reached nodes, to the root itself.
  while (current !== root && distances.distance[current] !== 1) {
    const edge = distances.viaEdge[current]!;
    const name = graph.edgeName(edge);
    steps.push(current !== node && isObjectLike(graph, current) ? `${name} (${label(graph, current)})` : name);
    current = distances.viaNode[current]!;
  }
  if (current !== root) steps.push(graph.className(current));
  steps.push(ROOT_LABEL);
  steps.reverse();
  // The object itself, named as its culprit is: `onOrder (closure)`, `string`, `PriceQuote`.
  steps.push(culpritName(graph, node));
  return shortenPath(steps, MAX_SEGMENTS);
}

/** At most `max` segments: the first four, `…`, and the end (where the holder and the leaked object are). */
export function shortenPath(path: readonly string[], max = SHOWN_SEGMENTS): string[] {
  if (path.length <= max) return [...path];
  return [...path.slice(0, 4), '…', ...path.slice(path.length - (max - 5))];
}

/** Same path shape, any indexes: `[17]` and `[18]` group together. */
export function pathKey(path: readonly string[]): string {
  return path.map((s) => s.replace(/\[\d+\]/g, '[*]').replace(/^\d+(?= |$)/, '*')).join(' › ');
}

export function formatPath(path: readonly string[]): string {
  return path.join(' › ');
}
