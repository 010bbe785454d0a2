import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EdgeCursor, HeapGraph, NodeCursor } from '../src/engine/graph.js';
import { parseSnapshot } from '../src/engine/parse.js';
import { SnapshotBuilder, tempDir } from './support/snapshot-builder.js';

const dir = tempDir('heaplens-cursors-');

describe('NodeCursor and EdgeCursor', () => {
  it('read any node and edge through one reusable object each', async () => {
    const b = new SnapshotBuilder();
    const root = b.root();
    const globalNode = b.node('object', 'global', { id: 5, selfSize: 24 });
    const itemNode = b.node('object', 'Item', { id: 7, selfSize: 40 });
    const fnNode = b.node('closure', 'onTick', { id: 9, selfSize: 32 });
    b.edge(root, 'shortcut', '1', globalNode).edge(globalNode, 'property', 'item', itemNode).edge(globalNode, 'property', 'tick', fnNode);
    const [global, item, fn] = [globalNode.ordinal, itemNode.ordinal, fnNode.ordinal];
    const graph = new HeapGraph(await parseSnapshot(b.writeTo(join(dir, 'cursors.heapsnapshot'))));

    const node = new NodeCursor(graph);
    expect(node.at(item)).toBe(node); // the same object, moved
    expect([node.id, node.name, node.className, node.selfSize, node.type, node.edgeCount]).toEqual([7, 'Item', 'Item', 40, 'object', 0]);
    node.at(fn);
    expect([node.className, node.type]).toEqual(['(closure)', 'closure']);
    expect(node.at(global).edgeCount).toBe(2);

    const edge = new EdgeCursor(graph);
    const first = graph.firstEdge[global]!;
    expect([edge.at(first).type, edge.name, edge.target]).toEqual(['property', 'item', item]);
    expect([edge.at(first + graph.edgeFieldCount).name, edge.target]).toEqual(['tick', fn]);
  });
});
