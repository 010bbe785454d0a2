import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, SnapshotBuilder, tempDir, type BuiltNode, type EdgeType } from './support/snapshot-builder.js';

const dir = tempDir();
let files = 0;

/** A root with "(GC roots)" and one user root, `global`. */
function base() {
  const b = new SnapshotBuilder();
  const root = b.root();
  const gcRoots = b.node('synthetic', '(GC roots)');
  const global = b.node('object', 'global', { selfSize: 10 });
  b.edge(root, 'element', 1, gcRoots);
  b.edge(root, 'shortcut', '2', global);
  return { b, root, gcRoots, global };
}

async function run(b: SnapshotBuilder) {
  const result = await analyze(b.writeTo(join(dir, `g${files++}.heapsnapshot`)));
  const { tree } = result;
  return {
    ...result,
    idom: (n: BuiltNode) => tree.dominator[n.ordinal],
    retained: (n: BuiltNode) => tree.retainedSize[n.ordinal],
    reachable: (n: BuiltNode) => tree.reachable[n.ordinal] === 1,
  };
}

describe('dominator tree and retained sizes', () => {
  it('a diamond: the join is dominated by the fork, not by either side', async () => {
    const { b, root, gcRoots, global } = base();
    const a = b.node('object', 'A', { selfSize: 100 });
    const c = b.node('object', 'B', { selfSize: 200 });
    const d = b.node('object', 'D', { selfSize: 1000 });
    const e = b.node('object', 'E', { selfSize: 5 });
    b.edge(global, 'property', 'a', a).edge(global, 'property', 'b', c);
    b.edge(a, 'property', 'd', d).edge(c, 'property', 'd', d).edge(d, 'property', 'e', e);
    const g = await run(b);
    expect([a, c, d, e, global, gcRoots].map(g.idom)).toEqual([global, global, global, d, root, root].map((n) => n.ordinal));
    expect([e, d, a, c, global, root].map(g.retained)).toEqual([5, 1005, 100, 200, 1315, 1315]);
    expect(Array.from(g.tree.reachable)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    // Every node comes after its dominator in `order`.
    const at = new Map(Array.from(g.tree.order).map((o, i) => [o, i]));
    for (const o of g.tree.order.subarray(1)) expect(at.get(g.tree.dominator[o]!)!).toBeLessThan(at.get(o)!);
  });

  it('a chain: each link dominates the rest', async () => {
    const { b, global } = base();
    const [c1, c2, c3] = [1, 2, 4].map((size, i) => b.node('object', `C${i + 1}`, { selfSize: size })) as [BuiltNode, BuiltNode, BuiltNode];
    b.edge(global, 'property', 'next', c1).edge(c1, 'property', 'next', c2).edge(c2, 'property', 'next', c3);
    const g = await run(b);
    expect([c1, c2, c3].map(g.idom)).toEqual([global.ordinal, c1.ordinal, c2.ordinal]);
    expect([c1, c2, c3, global].map(g.retained)).toEqual([7, 6, 4, 17]);
  });

  it('a cycle: the entry dominates the cycle, the back edge changes nothing', async () => {
    const { b, global } = base();
    const x = b.node('object', 'X', { selfSize: 1 });
    const y = b.node('object', 'Y', { selfSize: 2 });
    const z = b.node('object', 'Z', { selfSize: 4 });
    b.edge(global, 'property', 'x', x).edge(x, 'property', 'y', y).edge(y, 'property', 'z', z).edge(z, 'property', 'x', x);
    const g = await run(b);
    expect([x, y, z].map(g.idom)).toEqual([global.ordinal, x.ordinal, y.ordinal]);
    expect([x, y, z].map(g.retained)).toEqual([7, 6, 4]);
  });

  it("Lengauer and Tarjan's own example graph", async () => {
    const { b, global: r } = base();
    const names = 'ABCDEFGHIJKL'.split('');
    const n = Object.fromEntries(names.map((name, i) => [name, b.node('object', name, { selfSize: 2 ** i })])) as Record<string, BuiltNode>;
    n.R = r;
    const succ = 'R:ABC A:D B:ADE C:FG D:L E:H F:I G:IJ H:EK I:K J:I K:IR L:H';
    for (const [from, tos] of succ.split(' ').map((s) => s.split(':') as [string, string])) {
      for (const to of tos) b.edge(n[from]!, 'property', to.toLowerCase(), n[to]!);
    }
    const g = await run(b);
    const idoms = Object.fromEntries(names.map((name) => [name, Object.keys(n).find((k) => n[k]!.ordinal === g.idom(n[name]!))]));
    expect(idoms).toEqual({ A: 'R', B: 'R', C: 'R', D: 'R', E: 'R', F: 'C', G: 'C', H: 'R', I: 'R', J: 'G', K: 'R', L: 'D' });
    const size = (s: string) => [...s].reduce((sum, k) => sum + n[k]!.selfSize, 0);
    expect(g.retained(n.C!)).toBe(size('CFGJ'));
    expect(g.retained(n.D!)).toBe(size('DL'));
    expect(g.retained(r)).toBe(size('ABCDEFGHIJKL') + 10);
  });

  it('an unreachable node: retained size is its own, not reachable, not in the root', async () => {
    const { b, root, global } = base();
    const u = b.node('object', 'Unreachable', { selfSize: 77 });
    const child = b.node('object', 'UnreachableChild', { selfSize: 3 });
    b.edge(u, 'property', 'child', child);
    const g = await run(b);
    expect([g.reachable(u), g.reachable(child)]).toEqual([false, false]);
    expect([g.retained(u), g.retained(child)]).toEqual([77, 3]);
    expect([g.idom(u), g.idom(child)]).toEqual([root.ordinal, root.ordinal]);
    expect(g.retained(root)).toBe(global.selfSize);
    expect(g.tree.order).not.toContain(u.ordinal);
  });

  it('a node held only by a weak edge is not reachable', async () => {
    const { b, root, global } = base();
    const w = b.node('object', 'WeaklyHeld', { selfSize: 50 });
    b.edge(global, 'weak', 'w', w);
    const g = await run(b);
    expect(g.reachable(w)).toBe(false);
    expect(g.retained(w)).toBe(50);
    expect(g.retained(root)).toBe(10);
    expect(g.retained(global)).toBe(10);
  });

  it('a shortcut edge from a non-root node is ignored; one from the root is not', async () => {
    const { b, global } = base();
    const a = b.node('object', 'A', { selfSize: 1 });
    const c = b.node('object', 'B', { selfSize: 2 });
    const t = b.node('object', 'T', { selfSize: 4 });
    const onlyShortcut = b.node('object', 'OnlyShortcut', { selfSize: 8 });
    b.edge(global, 'property', 'a', a).edge(global, 'property', 'b', c);
    b.edge(a, 'shortcut', 's', t).edge(c, 'property', 't', t);
    b.edge(a, 'shortcut', 'o', onlyShortcut);
    const g = await run(b);
    expect(g.idom(t)).toBe(c.ordinal);
    expect(g.retained(c)).toBe(6);
    expect(g.retained(a)).toBe(1);
    expect(g.reachable(onlyShortcut)).toBe(false);
    expect(g.reachable(global)).toBe(true); // via the root's shortcut edge
  });

  describe('WeakMap ephemerons', () => {
    /** K → V and table → V, as V8 writes them: V's keeper is the key, not the table. */
    function weakMap(keyHeld: boolean) {
      const { b, root, global } = base();
      const k = b.node('object', 'Object', { id: 11, selfSize: 16 });
      const v = b.node('object', 'Object', { id: 13, selfSize: 100 });
      const table = b.node('array', '', { id: 15, selfSize: 40 });
      const wm = b.node('object', 'WeakMap', { id: 17, selfSize: 24 });
      const pair = 'part of key (Object @11) -> value (Object @13) pair in WeakMap (table @15)';
      b.edge(global, 'property', 'wm', wm);
      if (keyHeld) b.edge(global, 'property', 'k', k);
      b.edge(wm, 'internal', 'table', table);
      b.edge(table, 'weak', '9', k).edge(table, 'weak', '10', v).edge(table, 'internal', `3 / ${pair}`, v);
      b.edge(k, 'internal', `1 / ${pair}`, v);
      return { b, root, global, k, v, table, wm };
    }

    it("the value's dominator is the key", async () => {
      const { b, global, k, v, table, wm } = weakMap(true);
      const g = await run(b);
      expect(g.idom(v)).toBe(k.ordinal);
      expect(g.idom(k)).toBe(global.ordinal);
      expect(g.retained(k)).toBe(116);
      expect(g.retained(table)).toBe(40);
      expect(g.retained(wm)).toBe(64);
      expect(g.retained(global)).toBe(10 + 116 + 64);
    });

    it('with the key unreachable the value is not reachable either', async () => {
      const { b, k, v, table } = weakMap(false);
      const g = await run(b);
      expect([g.reachable(k), g.reachable(v), g.reachable(table)]).toEqual([false, false, true]);
      expect(g.retained(table)).toBe(40);
    });

    it('the same internal edge name from a node that is not the table keeps the value', async () => {
      const { b, global, v } = weakMap(false);
      const other = b.node('object', 'Other', { id: 19 });
      b.edge(global, 'property', 'other', other);
      b.edge(other, 'internal', '3 / part of key (Object @11) -> value (Object @13) pair in WeakMap (table @15)', v);
      const g = await run(b);
      expect(g.idom(v)).toBe(other.ordinal);
    });
  });
});

/** Dominators by definition: d dominates v when v is unreachable from the root without d. */
function naiveDominators(n: number, edges: Array<[number, number, EdgeType]>) {
  const essential = edges.filter(([from, , type]) => type !== 'weak' && (type !== 'shortcut' || from === 0));
  const reach = (without: number): boolean[] => {
    const seen = new Array<boolean>(n).fill(false);
    if (without === 0) return seen;
    const stack = [0];
    seen[0] = true;
    while (stack.length > 0) {
      const o = stack.pop()!;
      for (const [from, to] of essential) {
        if (from === o && to !== without && !seen[to]) {
          seen[to] = true;
          stack.push(to);
        }
      }
    }
    return seen;
  };
  const reachable = reach(-1);
  // strict[v] = strict dominators of v.
  const strict = Array.from({ length: n }, () => [] as number[]);
  for (let d = 0; d < n; d += 1) {
    if (!reachable[d]) continue;
    const without = reach(d);
    for (let v = 0; v < n; v += 1) if (v !== d && reachable[v] && !without[v]) strict[v]!.push(d);
  }
  // The immediate dominator is the strict dominator with the most strict dominators of its own.
  const idom = strict.map((ds) => ds.reduce((best, d) => (strict[d]!.length > strict[best]!.length ? d : best), 0));
  return { reachable, strict, idom };
}

describe('dominators agree with the definition on random graphs', () => {
  let seed = 42;
  const random = (k: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % k;
  };
  const types: EdgeType[] = ['property', 'property', 'property', 'element', 'internal', 'context', 'weak', 'shortcut'];

  it.each(Array.from({ length: 40 }, (_, i) => i))('graph %i', async (i) => {
    const n = 3 + (i % 25);
    const b = new SnapshotBuilder();
    const nodes = [b.root()];
    for (let o = 1; o < n; o += 1) nodes.push(b.node('object', `N${o}`, { selfSize: 1 + random(1000) }));
    const edges: Array<[number, number, EdgeType]> = [];
    const edgeCount = random(n * 3);
    for (let k = 0; k < edgeCount; k += 1) edges.push([random(n), random(n), types[random(types.length)]!]);
    edges.sort((x, y) => x[0] - y[0]);
    edges.forEach(([from, to, type], k) => b.edge(nodes[from]!, type, type === 'element' ? k : `e${k}`, nodes[to]!));
    const g = await run(b);
    const expected = naiveDominators(n, edges);
    for (let v = 0; v < n; v += 1) {
      expect(g.tree.reachable[v], `reachable ${v}`).toBe(expected.reachable[v] ? 1 : 0);
      if (v === 0 || !expected.reachable[v]) {
        expect(g.tree.dominator[v], `dominator ${v}`).toBe(0);
        if (v !== 0) expect(g.tree.retainedSize[v]).toBe(nodes[v]!.selfSize);
        continue;
      }
      expect(g.tree.dominator[v], `dominator ${v}`).toBe(expected.idom[v]);
      const dominated = nodes.filter((_, w) => w === v || expected.strict[w]!.includes(v));
      expect(g.tree.retainedSize[v], `retained ${v}`).toBe(dominated.reduce((sum, x) => sum + x.selfSize, 0));
    }
  });
});
