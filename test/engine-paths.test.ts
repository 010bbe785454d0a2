import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_DISTANCE, SYSTEM_DISTANCE, userRoots } from '../src/engine/distances.js';
import { formatPath, pathKey, retainerPath, shortenPath, SHOWN_SEGMENTS } from '../src/engine/paths.js';
import { analyze, SnapshotBuilder, tempDir, type BuiltNode } from './support/snapshot-builder.js';

const dir = tempDir();

/**
 * root ─[1]→ (GC roots) ─[0]→ (Global handles) ─[0]→ items[3], internal
 * root ─shortcut→ global ─cache→ Map ─table→ (array) ─[0…3]→ Item
 * global ─weak→ items[3]
 */
function build() {
  const b = new SnapshotBuilder();
  const root = b.root();
  const gcRoots = b.node('synthetic', '(GC roots)');
  const handles = b.node('synthetic', '(Global handles)');
  const global = b.node('object', 'global');
  const map = b.node('object', 'Map', { selfSize: 32 });
  const table = b.node('array', '', { selfSize: 64 });
  const items = [0, 1, 2, 3].map(() => b.node('object', 'Item', { selfSize: 40 }));
  const internal = b.node('object', 'Internal');
  const orphan = b.node('object', 'Orphan');
  b.edge(root, 'element', 1, gcRoots).edge(root, 'shortcut', '2', global);
  b.edge(gcRoots, 'element', 0, handles);
  b.edge(handles, 'hidden', 0, items[3]!).edge(handles, 'hidden', 1, internal);
  b.edge(global, 'weak', 'direct', items[3]!);
  b.edge(global, 'property', 'cache', map);
  b.edge(map, 'internal', 'table', table);
  items.forEach((item, i) => b.edge(table, 'element', i, item));
  return { b, root, gcRoots, handles, global, map, table, items, internal, orphan };
}

describe('distances and retainer paths', () => {
  it('user roots are the non-synthetic children of the root', async () => {
    const { b, global } = build();
    const { graph } = await analyze(b.writeTo(join(dir, 'roots.heapsnapshot')));
    expect(userRoots(graph)).toEqual([global.ordinal]);
  });

  it('prefers a path through the user root over a shorter one through the system roots, never a weak edge', async () => {
    const { b, items, global, map, table } = build();
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'paths.heapsnapshot')));
    const item = items[3]!;
    expect(distances.distance[global.ordinal]).toBe(1);
    expect(distances.distance[item.ordinal]).toBe(4);
    expect(distances.viaNode[item.ordinal]).toBe(table.ordinal);
    expect(distances.viaNode[table.ordinal]).toBe(map.ordinal);
    const path = retainerPath(graph, distances, item.ordinal);
    expect(path).toEqual(['(GC roots)', 'global', 'cache (Map)', 'table', '[3]', 'Item']);
    expect(formatPath(path!)).toBe('(GC roots) › global › cache (Map) › table › [3] › Item');
    expect(pathKey(path!)).toBe('(GC roots) › global › cache (Map) › table › [*] › Item');
    expect(retainerPath(graph, distances, items[0]!.ordinal)).toEqual(['(GC roots)', 'global', 'cache (Map)', 'table', '[0]', 'Item']);
  });

  it('reaches what only the system roots hold at SYSTEM_DISTANCE and more', async () => {
    const { b, internal, gcRoots, handles } = build();
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'system.heapsnapshot')));
    expect(distances.distance[gcRoots.ordinal]).toBe(SYSTEM_DISTANCE + 1);
    expect(distances.distance[handles.ordinal]).toBe(SYSTEM_DISTANCE + 2);
    expect(distances.distance[internal.ordinal]).toBe(SYSTEM_DISTANCE + 3);
    expect(distances.distance[0]).toBe(0);
    // Synthetic nodes are not objects: they show as the edge that reaches them.
    expect(retainerPath(graph, distances, internal.ordinal)).toEqual(['(GC roots)', '[1]', '[0]', '[1]', 'Internal']);
  });

  it('has no path to an unreachable node or one held only weakly', async () => {
    const { b, orphan, global } = build();
    const weakOnly = b.node('object', 'WeakOnly');
    b.edge(global, 'weak', 'w', weakOnly);
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'none.heapsnapshot')));
    expect(distances.distance[orphan.ordinal]).toBe(NO_DISTANCE);
    expect(distances.distance[weakOnly.ordinal]).toBe(NO_DISTANCE);
    expect(retainerPath(graph, distances, orphan.ordinal)).toBeNull();
    expect(retainerPath(graph, distances, weakOnly.ordinal)).toBeNull();
  });

  it('names closures, contexts and properties along the way', async () => {
    const b = new SnapshotBuilder();
    const root = b.root();
    const global = b.node('object', 'global');
    const onTick = b.node('closure', 'onTick');
    const context = b.node('object', 'system / Context');
    const list = b.node('object', 'Array');
    const elements = b.node('array', '');
    const record = b.node('object', 'Record');
    b.edge(root, 'shortcut', '1', global).edge(global, 'property', 'onTick', onTick);
    b.edge(onTick, 'internal', 'context', context).edge(context, 'context', 'records', list);
    b.edge(list, 'internal', 'elements', elements).edge(elements, 'element', 7, record);
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'closure.heapsnapshot')));
    expect(retainerPath(graph, distances, record.ordinal)).toEqual([
      '(GC roots)', 'global', 'onTick (onTick())', 'context (system / Context)', 'records (Array)', 'elements', '[7]', 'Record',
    ]);
  });

  it('keeps a long path whole, and shortenPath keeps its start and end for a terminal line', async () => {
    const b = new SnapshotBuilder();
    const global = b.node('object', 'global');
    b.edge(b.root(), 'shortcut', '1', global);
    let previous: BuiltNode = global;
    for (let i = 0; i < 20; i += 1) {
      const link = b.node('object', 'Link');
      b.edge(previous, 'property', `next${i}`, link);
      previous = link;
    }
    const { graph, distances } = await analyze(b.writeTo(join(dir, 'long.heapsnapshot')));
    const path = retainerPath(graph, distances, previous.ordinal)!;
    expect(path).toEqual([
      '(GC roots)', 'global',
      ...Array.from({ length: 19 }, (_, i) => `next${i} (Link)`), 'next19', 'Link',
    ]);
    const shown = shortenPath(path);
    expect(shown).toEqual([
      '(GC roots)', 'global', 'next0 (Link)', 'next1 (Link)', '…',
      ...[10, 11, 12, 13, 14, 15, 16, 17, 18].map((i) => `next${i} (Link)`), 'next19', 'Link',
    ]);
    expect(shown).toHaveLength(SHOWN_SEGMENTS);
    expect(shortenPath(['a', 'b'])).toEqual(['a', 'b']);
  });
});
