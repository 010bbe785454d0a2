import type { HeapGraph } from './graph.js';

/** The culprit name of strings of every representation (flat, cons, sliced): one leak of lines is one group. */
export const STRING_CULPRIT = 'string';

/** Closures are grouped by function name (`onOrder (closure)`), strings together, other objects by class. */
export function culpritName(graph: HeapGraph, o: number): string {
  const types = graph.meta.nodeType;
  const type = graph.type(o);
  if (type === types.closure) {
    const name = graph.name(o);
    return name ? `${name} (closure)` : '(anonymous closure)';
  }
  if (type === types.string || type === types.concatenatedString || type === types.slicedString) return STRING_CULPRIT;
  return graph.className(o);
}
