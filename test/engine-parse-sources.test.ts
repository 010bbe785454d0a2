import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../src/engine/diff.js';
import type { SnapshotData } from '../src/engine/loader.js';
import { parseSnapshot, parseSnapshotNodes, readSnapshotIds, type SnapshotSource } from '../src/engine/parse.js';
import { retainerPath } from '../src/engine/paths.js';
import { analyze, NODE20, NODE22, SnapshotBuilder, tempDir, type Layout } from './support/snapshot-builder.js';

const dir = tempDir();

/** A small heap with every edge kind the engine treats specially. */
function heap(layout: Layout = NODE20, extra: Record<string, number> = {}) {
  const b = new SnapshotBuilder(layout);
  const root = b.root();
  const gcRoots = b.node('synthetic', '(GC roots)', { fields: extra });
  const global = b.node('object', 'global', { selfSize: 24, fields: extra });
  const map = b.node('object', 'Map', { selfSize: 32, fields: extra });
  const table = b.node('array', '', { selfSize: 64, fields: extra });
  const items = [1, 2, 3].map((k) => b.node('object', 'Item', { selfSize: 40 * k, fields: extra }));
  const label = b.node('string', 'a label', { selfSize: 20, fields: extra });
  const fn = b.node('closure', 'onTick', { selfSize: 56, fields: extra });
  const weakOnly = b.node('object', 'WeakOnly', { selfSize: 8, fields: extra });
  b.edge(root, 'element', 1, gcRoots).edge(root, 'shortcut', '2', global);
  b.edge(gcRoots, 'hidden', 0, fn);
  b.edge(global, 'property', 'cache', map).edge(global, 'weak', 'w', weakOnly).edge(global, 'property', 'onTick', fn);
  b.edge(map, 'internal', 'table', table);
  items.forEach((item, i) => b.edge(table, 'element', i, item));
  b.edge(items[0]!, 'property', 'label', label).edge(items[1]!, 'property', 'label', label);
  b.edge(items[2]!, 'shortcut', 'sc', weakOnly);
  b.edge(fn, 'context', 'items', items[2]!);
  return b;
}

/** Everything the engine answers about a heap, independent of its layout. */
async function answers(source: SnapshotSource, options: { chunkLength?: number } = {}) {
  const { graph, tree, distances } = await analyze(source, options);
  const ordinals = Array.from({ length: graph.nodeCount }, (_, o) => o);
  return {
    nodes: ordinals.map((o) => [graph.typeName(o), graph.className(o), graph.id(o), graph.selfSize(o)]),
    dominator: Array.from(tree.dominator),
    retained: Array.from(tree.retainedSize),
    reachable: Array.from(tree.reachable),
    distance: Array.from(distances.distance),
    paths: ordinals.map((o) => retainerPath(graph, distances, o)),
  };
}

const values = (data: SnapshotData) => ({
  nodes: Array.from({ length: data.nodes.length }, (_, i) => data.nodes.get(i)),
  edges: Array.from({ length: data.edges.length }, (_, i) => data.edges.get(i)),
  strings: Array.from({ length: data.strings.length }, (_, i) => data.strings.get(i)),
});

/** A stream that hands over `text` in `size`-byte chunks. */
const chunked = (text: string | Buffer, size: number) => {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
};

describe('one snapshot, every way in', () => {
  const file = heap().writeTo(join(dir, 'heap.heapsnapshot'));
  const text = readFileSync(file);

  it('is written in V8’s layout', () => {
    const s = text.toString();
    expect(s.startsWith('{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],')).toBe(true);
    expect(s).toContain('"node_count":11,"edge_count":14,"trace_function_count":0},\n"nodes":[9,1,1,0,2,0,0\n,9,2,3,0,1,0,0\n,');
    expect(s).toContain('\n],\n"edges":[1,1,7\n,5,9,14\n,');
    expect(s).toContain('\n],\n"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n"strings":["<dummy>",\n"",\n"(GC roots)",\n');
    expect(s.endsWith('"]}')).toBe(true);
    expect(JSON.parse(s).nodes).toHaveLength(77);
  });

  it('gives the hand-worked answers', async () => {
    const a = await answers(file);
    expect(a.retained[0]).toBe(24 + 32 + 64 + 40 + 80 + 120 + 20 + 56);
    expect(a.reachable.slice(-1)).toEqual([0]);
    expect(a.paths[6]).toEqual(['(GC roots)', 'global', 'cache (Map)', 'table', '[1]', 'Item']);
    expect(a.paths[7]).toEqual(['(GC roots)', 'global', 'onTick (onTick())', 'items', 'Item']);
    expect(a.paths[9]).toEqual(['(GC roots)', 'global', 'onTick', 'onTick (closure)']);
  });

  it('parses the same from a file, a stream of 7-byte chunks and split typed arrays', async () => {
    const fromFile = await parseSnapshot(file);
    const fromStream = await parseSnapshot(chunked(text, 7));
    const split = await parseSnapshot(file, { chunkLength: 4 });
    expect(fromFile.nodes.chunks).toHaveLength(1);
    expect(split.nodes.chunks.length).toBeGreaterThan(1);
    expect(split.edges.chunks.length).toBeGreaterThan(1);
    expect(values(fromStream)).toEqual(values(fromFile));
    expect(values(split)).toEqual(values(fromFile));
    const expected = await answers(file);
    expect(await answers(chunked(text, 7))).toEqual(expected);
    expect(await answers(file, { chunkLength: 4 })).toEqual(expected);
    expect(await answers(chunked(text, 3), { chunkLength: 8 })).toEqual(expected);
    expect(await answers(chunked(text.toString(), 5))).toEqual(expected); // string chunks
  });

  it('parses the same wherever one chunk ends and the next begins', async () => {
    const expected = values(await parseSnapshot(file));
    for (let at = 1; at < text.length; at += 1) {
      const data = await parseSnapshot(Readable.from([text.subarray(0, at), text.subarray(at)]), { chunkLength: 4 });
      expect(values(data), `split at ${at}`).toEqual(expected);
    }
  });

  it('reads only ids, or nodes without edges, the same way', async () => {
    const ids = await readSnapshotIds(chunked(text, 7));
    expect(Array.from(ids.ids)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
    expect(ids.maxId).toBe(21);
    const full = values(await parseSnapshot(file));
    const nodes = await parseSnapshotNodes(chunked(text, 7), { chunkLength: 4 });
    expect(Array.from({ length: nodes.nodes.length }, (_, i) => nodes.nodes.get(i))).toEqual(full.nodes);
    expect(Array.from({ length: nodes.strings.length }, (_, i) => nodes.strings.get(i))).toEqual(full.strings);
  });
});

describe('the smallest snapshot', () => {
  it('is a root without edges', async () => {
    const file = new SnapshotBuilder().writeTo(join(dir, 'root-only.heapsnapshot'));
    expect(readFileSync(file, 'utf8')).toContain('"nodes":[9,1,1,0,0,0,0\n],\n"edges":[],\n');
    const { data, graph, tree, distances } = await analyze(file);
    expect([data.meta.nodeCount, data.meta.edgeCount, data.edges.length]).toEqual([1, 0, 0]);
    expect(Array.from(graph.firstEdge)).toEqual([0, 0]);
    expect([Array.from(tree.order), Array.from(tree.retainedSize), Array.from(distances.distance)]).toEqual([[0], [0], [0]]);
  });
});

describe('the layout comes from meta', () => {
  const reordered: Layout = {
    nodeFields: ['id', 'edge_count', 'detachedness', 'name', 'self_size', 'type', 'trace_node_id'],
    nodeTypes: [...NODE20.nodeTypes].reverse(),
    edgeFields: ['to_node', 'type', 'name_or_index'],
    edgeTypes: ['weak', 'shortcut', 'hidden', 'internal', 'property', 'element', 'context'],
  };
  const layouts: Array<[string, Layout, Record<string, number>]> = [
    ['Node 22', NODE22, {}],
    ['an extra trailing node field', { ...NODE20, nodeFields: [...NODE20.nodeFields, 'extra'] }, { extra: 4_000_000_000 }],
    ['an extra edge field', { ...NODE20, edgeFields: [...NODE20.edgeFields, 'weight'] }, {}],
    ['reordered fields and types', reordered, { trace_node_id: 7, detachedness: 2 }],
  ];

  it.each(layouts)('%s gives the same answers as Node 20', async (name, layout, extra) => {
    const file = heap(layout, extra).writeTo(join(dir, `${name.replace(/\W+/g, '-')}.heapsnapshot`));
    expect(await answers(file)).toEqual(await answers(join(dir, 'heap.heapsnapshot')));
    expect(await answers(file, { chunkLength: 4 })).toEqual(await answers(join(dir, 'heap.heapsnapshot')));
    const data = await parseSnapshot(file);
    expect(data.meta.nodeFieldCount).toBe(layout.nodeFields.length);
    expect(data.meta.edgeFieldCount).toBe(layout.edgeFields.length);
    expect(data.meta.nodeTypes).toEqual(layout.nodeTypes);
  });

  it.each([
    [NODE20, reordered],
    [reordered, NODE22],
  ])('diffs a pair in different layouts (%#)', async (beforeLayout, afterLayout) => {
    // Before: only root, (GC roots) and global, with the ids they have in heap().
    const before = new SnapshotBuilder(beforeLayout);
    const gcRoots = before.node('synthetic', '(GC roots)');
    const global = before.node('object', 'global', { selfSize: 24 });
    before.edge(before.root(), 'element', 1, gcRoots).edge(before.root(), 'shortcut', '2', global);
    const beforeFile = before.writeTo(join(dir, `layout-before-${beforeLayout.nodeTypes[0]}.heapsnapshot`));
    const afterFile = heap(afterLayout).writeTo(join(dir, `layout-after-${afterLayout.nodeTypes[0]}.heapsnapshot`));
    const diff = await diffSnapshots(beforeFile, afterFile);
    // The label is shared by two Items: the table, not an Item, dominates it.
    // The new Map steps aside for its Items but keeps its own part (itself and its table).
    expect(diff.culprits.map((c) => [c.name, c.count, c.retainedSize])).toEqual([
      ['Item', 3, 240],
      ['Map', 1, 96],
      ['onTick (closure)', 1, 56],
      ['string', 1, 20],
    ]);
    expect(diff.newObjects).toBe(8);
  });
});

describe('strings', () => {
  const tricky = [
    'say "hi"', 'back\\slash', 'ends with a backslash \\', '\\"', 'line\nbreak\r\n', 'tab\there', 'bell\u0007 nul\u0000',
    'café ü 中文', 'emoji 😀', '] , " [ } {', '', ' ', '"nodes":[1,2]', '\u2028\u2029',
  ];

  it.each(['escape', 'raw'] as const)('decode exactly (unicode %s)', async (unicode) => {
    const b = new SnapshotBuilder();
    const global = b.node('object', 'global');
    b.edge(b.root(), 'shortcut', '1', global);
    const nodes = tricky.map((name) => b.node('object', name));
    nodes.forEach((node, i) => b.edge(global, 'property', `p${i} ${tricky[i]}`, node));
    const text = b.toString({ unicode });
    if (unicode === 'escape') expect(/[^\x00-\x7f]/.test(text)).toBe(false);
    const file = join(dir, `strings-${unicode}.heapsnapshot`);
    b.writeTo(file, { unicode });
    for (const source of [file, chunked(text, 7), chunked(text, 1)]) {
      const { graph, distances } = await analyze(source);
      expect(nodes.map((n) => graph.name(n.ordinal))).toEqual(tricky);
      expect(retainerPath(graph, distances, nodes[0]!.ordinal)).toEqual(['(GC roots)', 'global', 'p0 say "hi"', 'say "hi"']);
    }
  });
});
