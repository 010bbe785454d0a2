import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../src/engine/diff.js';
import { SnapshotBuilder, tempDir } from './support/snapshot-builder.js';

const dir = tempDir();
const N = 4;

/** root, (GC roots) and `global`, with the same ids on both sides. */
function base() {
  const b = new SnapshotBuilder();
  const root = b.root();
  const gcRoots = b.node('synthetic', '(GC roots)', { id: 3 });
  const global = b.node('object', 'global', { id: 5, selfSize: 24 });
  b.edge(root, 'element', 1, gcRoots).edge(root, 'shortcut', '2', global);
  return { b, global };
}

function before() {
  const { b, global } = base();
  const map = b.node('object', 'Map', { id: 7, selfSize: 32 });
  const table = b.node('array', '', { id: 9, selfSize: 16 });
  const oldItem = b.node('object', 'Item', { id: 11, selfSize: 40 });
  const foo = b.node('object', 'Foo', { id: 13, selfSize: 8 });
  const gone = b.node('object', 'Gone', { id: 15, selfSize: 100 });
  b.edge(global, 'property', 'cache', map).edge(global, 'property', 'foo', foo).edge(global, 'property', 'gone', gone);
  b.edge(map, 'internal', 'table', table).edge(table, 'element', 0, oldItem);
  return b;
}

/**
 * The old Map's (regrown) table holds N new Items, each with a label string of
 * 16·k bytes; id 13 now names a Bar (was a Foo); Gone is gone; Ghost is held
 * only weakly; Orphan by nothing.
 */
function after() {
  const { b, global } = base();
  const map = b.node('object', 'Map', { id: 7, selfSize: 32 });
  const oldItem = b.node('object', 'Item', { id: 11, selfSize: 40 });
  const table = b.node('array', '', { id: 201, selfSize: 64 });
  const bar = b.node('object', 'Bar', { id: 13, selfSize: 12 });
  const ghost = b.node('object', 'Ghost', { id: 141, selfSize: 500 });
  b.node('object', 'Orphan', { id: 143, selfSize: 700 });
  b.edge(global, 'property', 'cache', map).edge(global, 'property', 'foo', bar).edge(global, 'weak', 'ghost', ghost);
  b.edge(map, 'internal', 'table', table).edge(table, 'element', 0, oldItem);
  for (let k = 1; k <= N; k += 1) {
    const item = b.node('object', 'Item', { id: 99 + 2 * k, selfSize: 40 });
    const label = b.node('string', `item ${k}`, { id: 119 + 2 * k, selfSize: 16 * k });
    b.edge(table, 'element', k, item).edge(item, 'property', 'label', label);
  }
  return b;
}

const row = (name: string, addedCount: number, addedSize: number, removedCount: number, removedSize: number) => ({
  name, addedCount, addedSize, removedCount, removedSize, countDelta: addedCount - removedCount, sizeDelta: addedSize - removedSize,
});

describe('diffSnapshots on hand-made snapshots', () => {
  const beforeFile = before().writeTo(join(dir, 'before.heapsnapshot'));
  const afterFile = after().writeTo(join(dir, 'after.heapsnapshot'));

  it('counts nodes, edges and new objects', async () => {
    const diff = await diffSnapshots(beforeFile, afterFile);
    expect(diff.before).toEqual({ nodes: 8, maxId: 15 });
    expect(diff.after).toEqual({ nodes: 9 + 2 * N, edges: 7 + 2 * N });
    // table, N items, N labels, Bar (reused id), Ghost, Orphan.
    expect(diff.newObjects).toBe(4 + 2 * N);
    // Ghost and Orphan are not reachable.
    expect(diff.newReachable).toBe(2 + 2 * N);
  });

  it('ranks the new Items held by the old Map first', async () => {
    const diff = await diffSnapshots(beforeFile, afterFile);
    const path = ['(GC roots)', 'global', 'cache (Map)', 'table', `[${N}]`, 'Item'];
    expect(diff.culprits[0]).toEqual({ name: 'Item', count: N, size: 40 * N, retainedSize: 40 * N + 160, path, paths: [{ path, count: N }], holder: 'none', heldIn: null });
  });

  it('counts an object whose id was reused for another class as new', async () => {
    const diff = await diffSnapshots(beforeFile, afterFile);
    const bar = ['(GC roots)', 'global', 'foo', 'Bar'];
    expect(diff.culprits[1]).toEqual({ name: 'Bar', count: 1, size: 12, retainedSize: 12, path: bar, paths: [{ path: bar, count: 1 }], holder: 'none', heldIn: null });
    expect(diff.classes.find((r) => r.name === 'Foo')).toEqual(row('Foo', 0, 0, 1, 8));
  });

  it('never blames what is held only weakly, unreachable, or engine internals', async () => {
    const diff = await diffSnapshots(beforeFile, afterFile);
    const names = diff.culprits.map((c) => c.name);
    expect(names).not.toContain('Ghost');
    expect(names).not.toContain('Orphan');
    expect(names).not.toContain('(array)');
    expect(diff.userRetained).toBe(40 * N + 160 + 12);
    expect(diff.internalRetained).toBe(0);
  });

  it('fills the Comparison view exactly', async () => {
    const diff = await diffSnapshots(beforeFile, afterFile);
    expect(diff.classes).toEqual([
      row('Orphan', 1, 700, 0, 0),
      row('Ghost', 1, 500, 0, 0),
      row('(string)', N, 160, 0, 0),
      row('Item', N, 40 * N, 0, 0),
      row('(array)', 1, 64, 1, 16),
      row('Bar', 1, 12, 0, 0),
      row('Foo', 0, 0, 1, 8),
      row('Gone', 0, 0, 1, 100),
    ]);
  });

  it('reads streams as well as files, and honours top', async () => {
    const diff = await diffSnapshots(createReadStream(beforeFile, { highWaterMark: 7 }), createReadStream(afterFile, { highWaterMark: 7 }), { top: 1 });
    expect(diff.culprits.map((c) => c.name)).toEqual(['Item']);
    expect(diff.culprits[0]!.retainedSize).toBe(40 * N + 160);
    expect(diff.userRetained).toBe(40 * N + 160 + 12);
  });

  it('lists no culprit without a retainer path', async () => {
    const diff = await diffSnapshots(beforeFile, afterFile);
    expect(diff.culprits.filter((c) => c.path.length === 0)).toEqual([]);
  });

  it('diffs a snapshot against itself to nothing', async () => {
    const diff = await diffSnapshots(afterFile, afterFile);
    expect(diff).toMatchObject({ newObjects: 0, newReachable: 0, culprits: [], classes: [], userRetained: 0, internalRetained: 0 });
  });
});

describe('diffSnapshots and WeakMap entries', () => {
  /** A new WeakMap whose entry's key is `keyHeld` by global, or by nothing. */
  function pair(keyHeld: boolean) {
    const beforeFile = base().b.writeTo(join(dir, `wm-before-${keyHeld}.heapsnapshot`));
    const { b, global } = base();
    const wm = b.node('object', 'WeakMap', { id: 21, selfSize: 24 });
    const table = b.node('array', '', { id: 23, selfSize: 40 });
    const key = b.node('object', 'Key', { id: 25, selfSize: 16 });
    const value = b.node('object', 'Value', { id: 27, selfSize: 100 });
    const entry = 'part of key (Key @25) -> value (Value @27) pair in WeakMap (table @23)';
    b.edge(global, 'property', 'wm', wm);
    if (keyHeld) b.edge(global, 'property', 'key', key);
    b.edge(wm, 'internal', 'table', table);
    b.edge(table, 'weak', '9', key).edge(table, 'weak', '10', value).edge(table, 'internal', `3 / ${entry}`, value);
    b.edge(key, 'internal', `1 / ${entry}`, value);
    return { beforeFile, afterFile: b.writeTo(join(dir, `wm-after-${keyHeld}.heapsnapshot`)) };
  }

  it('does not blame the value of a dead key (the table does not keep it)', async () => {
    const { beforeFile, afterFile } = pair(false);
    const diff = await diffSnapshots(beforeFile, afterFile);
    expect(diff.culprits.map((c) => [c.name, c.retainedSize])).toEqual([['WeakMap', 64]]);
  });

  it('puts the value of a live key in the key’s retained size', async () => {
    const { beforeFile, afterFile } = pair(true);
    const diff = await diffSnapshots(beforeFile, afterFile);
    expect(diff.culprits[0]).toMatchObject({ name: 'Key', count: 1, retainedSize: 116, path: ['(GC roots)', 'global', 'key', 'Key'] });
    expect(diff.culprits[1]).toMatchObject({ name: 'WeakMap', retainedSize: 64 });
  });
});
