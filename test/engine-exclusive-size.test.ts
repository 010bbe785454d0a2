import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextObjects, exclusiveSize } from '../src/engine/exclusive-size.js';
import { analyze, SnapshotBuilder, tempDir } from './support/snapshot-builder.js';

const dir = tempDir('heaplens-exclusive-size-');

/**
 * root ─shortcut→ global ─env→ Env(100) ─own→ Own(20) ─deep→ Deep(3)
 *                        └─shared→ Shared(7) ←shared─ Env
 * Env's native context (50) holds Ctx(11); the global proxy (4) is Env's too.
 */
async function graphOf(extra?: (b: SnapshotBuilder, nodes: Record<string, ReturnType<SnapshotBuilder['node']>>) => void) {
  const b = new SnapshotBuilder();
  const global = b.node('object', 'global');
  const env = b.node('object', 'Env', { selfSize: 100 });
  const own = b.node('object', 'Own', { selfSize: 20 });
  const deep = b.node('object', 'Deep', { selfSize: 3 });
  const shared = b.node('object', 'Shared', { selfSize: 7 });
  const context = b.node('hidden', 'system / NativeContext', { selfSize: 50 });
  const proxy = b.node('object', 'global proxy', { selfSize: 4 });
  const ctxOnly = b.node('object', 'Ctx', { selfSize: 11 });
  const weakOnly = b.node('object', 'WeakOnly', { selfSize: 1000 });
  b.edge(b.root(), 'shortcut', '1', global).edge(global, 'property', 'env', env).edge(global, 'property', 'shared', shared);
  b.edge(env, 'property', 'own', own).edge(own, 'property', 'deep', deep).edge(env, 'property', 'shared', shared);
  b.edge(env, 'internal', 'native_context', context).edge(env, 'internal', 'global_proxy', proxy).edge(context, 'internal', 'x', ctxOnly);
  b.edge(env, 'weak', 'w', weakOnly);
  const nodes = { global, env, own, deep, shared, context, proxy, ctxOnly, weakOnly };
  extra?.(b, nodes);
  const { graph } = await analyze(b.writeTo(join(dir, `g${Math.random().toString(36).slice(2)}.heapsnapshot`)));
  const { essentialEdges } = await import('../src/engine/essential-edges.js');
  return { graph, essential: essentialEdges(graph), nodes };
}

describe('exclusiveSize', () => {
  it('counts what only the held objects reach, not what the roots reach without them, nor weak edges', async () => {
    const { graph, essential, nodes } = await graphOf();
    expect(exclusiveSize(graph, essential, [nodes.env.ordinal])).toBe(100 + 20 + 3 + 50 + 4 + 11);
    expect(exclusiveSize(graph, essential, [nodes.own.ordinal])).toBe(23);
  });

  it('leaves out an object another path from the roots also reaches', async () => {
    const { graph, essential, nodes } = await graphOf((b, n) => b.edge(n.global!, 'property', 'alsoDeep', n.deep!));
    expect(exclusiveSize(graph, essential, [nodes.own.ordinal])).toBe(20);
  });

  it('is 0 when the root itself is held', async () => {
    const { graph, essential } = await graphOf();
    expect(exclusiveSize(graph, essential, [graph.rootOrdinal])).toBe(0);
  });
});

describe('contextObjects', () => {
  it("adds a global's native context and global proxy (internal edges), once each", async () => {
    const { graph, nodes } = await graphOf();
    expect(contextObjects(graph, nodes.env.ordinal)).toEqual([nodes.env.ordinal, nodes.context.ordinal, nodes.proxy.ordinal]);
    expect(contextObjects(graph, nodes.own.ordinal)).toEqual([nodes.own.ordinal]);
  });
});
