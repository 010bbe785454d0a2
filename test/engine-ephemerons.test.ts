import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_DISTANCE } from '../src/engine/distances.js';
import { essentialEdges } from '../src/engine/essential-edges.js';
import type { HeapGraph } from '../src/engine/graph.js';
import { retainerPath } from '../src/engine/paths.js';
import { analyze, SnapshotBuilder, tempDir, type BuiltNode } from './support/snapshot-builder.js';

const dir = tempDir();

const KEY_ID = 101;
const VALUE_ID = 103;
const TABLE_ID = 105;
/** The name V8 gives both edges of a WeakMap entry (the key's is auto-indexed 1, the table's 3). */
const ENTRY = `part of key (Key @${KEY_ID}) -> value (Value @${VALUE_ID}) pair in WeakMap (table @${TABLE_ID})`;
const KEY_EDGE = `1 / ${ENTRY}`;
const TABLE_EDGE = `3 / ${ENTRY}`;

/**
 * root ─shortcut→ global ─key→ Key ─"1 / part of key … (table @T)"→ Value
 * WeakMap ─table→ table(T) ─"3 / part of key …"→ Value; table ─weak→ Key and Value
 * Value ─child→ Child
 * How global (or nothing) reaches the WeakMap is up to each case.
 */
function build() {
  const b = new SnapshotBuilder();
  const root = b.root();
  const global = b.node('object', 'global', { id: 3 });
  const wm = b.node('object', 'WeakMap', { id: 5 });
  const key = b.node('object', 'Key', { id: KEY_ID });
  const value = b.node('object', 'Value', { id: VALUE_ID });
  const table = b.node('array', '', { id: TABLE_ID });
  const child = b.node('object', 'Child', { id: 107 });
  b.edge(root, 'shortcut', '1', global);
  b.edge(wm, 'internal', 'table', table);
  b.edge(table, 'weak', '9', key).edge(table, 'weak', '10', value).edge(table, 'internal', TABLE_EDGE, value);
  b.edge(key, 'internal', KEY_EDGE, value);
  b.edge(value, 'property', 'child', child);
  return { b, root, global, wm, key, value, table, child };
}

/** The ordinal of the edge named `name` out of `from`. */
function edgeOrdinal(graph: HeapGraph, from: BuiltNode, name: string): number {
  const { firstEdge, edgeFieldCount } = graph;
  for (let e = firstEdge[from.ordinal]!; e < firstEdge[from.ordinal + 1]!; e += edgeFieldCount) {
    if (graph.edgeName(e) === name) return e / edgeFieldCount;
  }
  throw new Error(`no edge ${name}`);
}

describe('essentialEdges on WeakMap entries', () => {
  it("flags the key's edge 2 (alive while its table is) and the table's edge 0", async () => {
    const { b, global, wm, key, table } = build();
    b.edge(global, 'property', 'wm', wm).edge(global, 'property', 'key', key);
    const { graph } = await analyze(b.writeTo(join(dir, 'flags.heapsnapshot')));
    const essential = essentialEdges(graph);
    const keyEdge = edgeOrdinal(graph, key, KEY_EDGE);
    const tableEdge = edgeOrdinal(graph, table, TABLE_EDGE);
    expect(essential.flags[keyEdge]).toBe(2);
    expect(essential.flags[tableEdge]).toBe(0);
    expect(essential.ephemeronTable(keyEdge)).toBe(table.ordinal);
    expect(essential.ephemeronTable(tableEdge)).toBe(-1);
    // The other edges keep the usual flags: weak 0, property and internal 1.
    expect(essential.flags[edgeOrdinal(graph, table, '9')]).toBe(0);
    expect(essential.flags[edgeOrdinal(graph, wm, 'table')]).toBe(1);
    expect(essential.flags[edgeOrdinal(graph, global, 'key')]).toBe(1);
    expect(essential.isEssential(key.ordinal, keyEdge * graph.edgeFieldCount)).toBe(true);
    expect(essential.isEssential(table.ordinal, tableEdge * graph.edgeFieldCount)).toBe(false);
  });

  it('gives -1 as the table of a key edge whose table is not in the snapshot', async () => {
    const b = new SnapshotBuilder();
    const global = b.node('object', 'global', { id: 3 });
    const key = b.node('object', 'Key', { id: KEY_ID });
    const value = b.node('object', 'Value', { id: VALUE_ID });
    b.edge(b.root(), 'shortcut', '1', global).edge(global, 'property', 'key', key).edge(key, 'internal', KEY_EDGE, value);
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'no-table.heapsnapshot')));
    const essential = essentialEdges(graph);
    const keyEdge = edgeOrdinal(graph, key, KEY_EDGE);
    expect(essential.flags[keyEdge]).toBe(2);
    expect(essential.ephemeronTable(keyEdge)).toBe(-1);
    expect(distances.distance[value.ordinal]).toBe(NO_DISTANCE);
  });
});

describe('userRootDistances through WeakMap entries', () => {
  it("reaches the value through the key's edge when the table is alive", async () => {
    const { b, global, wm, key, value, table, child } = build();
    b.edge(global, 'property', 'wm', wm).edge(global, 'property', 'key', key);
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'alive.heapsnapshot')));
    expect(distances.distance[table.ordinal]).toBe(3);
    expect(distances.distance[value.ordinal]).toBe(3);
    expect(distances.viaNode[value.ordinal]).toBe(key.ordinal);
    expect(distances.distance[child.ordinal]).toBe(4);
    expect(retainerPath(graph, distances, value.ordinal)).toEqual(['(GC roots)', 'global', 'key (Key)', KEY_EDGE, 'Value']);
    expect(retainerPath(graph, distances, child.ordinal)).toEqual(['(GC roots)', 'global', 'key (Key)', `${KEY_EDGE} (Value)`, 'child', 'Child']);
  });

  it('does not reach the value when only the value itself holds the table', async () => {
    const { b, global, wm, key, value, table, child } = build();
    b.edge(global, 'property', 'key', key).edge(value, 'property', 'wm', wm);
    const { distances } = await analyze(b.writeTo(join(dir, 'cycle.heapsnapshot')));
    expect(distances.distance[key.ordinal]).toBe(2);
    expect(distances.distance[value.ordinal]).toBe(NO_DISTANCE);
    expect(distances.distance[child.ordinal]).toBe(NO_DISTANCE);
    expect(distances.distance[wm.ordinal]).toBe(NO_DISTANCE);
    expect(distances.distance[table.ordinal]).toBe(NO_DISTANCE);
  });

  it('does not reach the value when nothing holds the table', async () => {
    const { b, global, key, value, table } = build();
    b.edge(global, 'property', 'key', key);
    const { distances } = await analyze(b.writeTo(join(dir, 'no-map.heapsnapshot')));
    expect(distances.distance[key.ordinal]).toBe(2);
    expect(distances.distance[table.ordinal]).toBe(NO_DISTANCE);
    expect(distances.distance[value.ordinal]).toBe(NO_DISTANCE);
  });

  it('does not reach the value through the table when the key is dead', async () => {
    const { b, global, wm, value, table } = build();
    b.edge(global, 'property', 'wm', wm);
    const { distances } = await analyze(b.writeTo(join(dir, 'dead-key.heapsnapshot')));
    expect(distances.distance[table.ordinal]).toBe(3);
    expect(distances.distance[value.ordinal]).toBe(NO_DISTANCE);
  });

  it('reaches the value once a table found later in BFS order is reached', async () => {
    const { b, global, wm, key, value, table, child } = build();
    // global ─key→ Key (distance 2); global ─a→ A ─b→ B ─c→ C ─wm→ WeakMap ─table→ table (distance 6).
    const a = b.node('object', 'A');
    const bb = b.node('object', 'B');
    const c = b.node('object', 'C');
    b.edge(global, 'property', 'key', key).edge(global, 'property', 'a', a);
    b.edge(a, 'property', 'b', bb).edge(bb, 'property', 'c', c).edge(c, 'property', 'wm', wm);
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'later.heapsnapshot')));
    expect(distances.distance[table.ordinal]).toBe(6);
    // The value hangs off the key, one hop further, though it was queued only once the table was reached.
    expect(distances.distance[value.ordinal]).toBe(3);
    expect(distances.viaNode[value.ordinal]).toBe(key.ordinal);
    expect(distances.viaEdge[value.ordinal]).toBe(edgeOrdinal(graph, key, KEY_EDGE) * graph.edgeFieldCount);
    expect(distances.distance[child.ordinal]).toBe(4);
    expect(retainerPath(graph, distances, value.ordinal)).toEqual(['(GC roots)', 'global', 'key (Key)', KEY_EDGE, 'Value']);
  });

  it('reaches the value once a table found later is reached, whichever key edge came first', async () => {
    // Two keys of the same table wait for it; the first one queued gives the path.
    const { b, global, wm, key, value, table } = build();
    const key2 = b.node('object', 'Key2', { id: 109 });
    const entry2 = `part of key (Key2 @109) -> value (Value @${VALUE_ID}) pair in WeakMap (table @${TABLE_ID})`;
    b.edge(key2, 'internal', `1 / ${entry2}`, value);
    const a = b.node('object', 'A');
    b.edge(global, 'property', 'key', key).edge(global, 'property', 'key2', key2).edge(global, 'property', 'a', a);
    b.edge(a, 'property', 'wm', wm);
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'two-keys.heapsnapshot')));
    expect(distances.distance[table.ordinal]).toBe(4);
    expect(distances.distance[value.ordinal]).toBe(3);
    expect(distances.viaNode[value.ordinal]).toBe(key.ordinal);
    expect(retainerPath(graph, distances, value.ordinal)?.[2]).toBe('key (Key)');
  });
});
