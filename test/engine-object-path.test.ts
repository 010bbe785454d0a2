import { join } from 'node:path';
import * as vm from 'node:vm';
import { writeHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { getGc } from '../src/core/gc.js';
import { explainProbe, findProbed } from '../src/engine/object-path.js';
import { analyze, SnapshotBuilder, tempDir } from './support/snapshot-builder.js';

const dir = tempDir('heaplens-object-path-');

/**
 * root ─shortcut→ global ─holder→ Holder ─list→ Array ─elements→ (array) ─[2]→ Sandbox ─probe_x→ "probe_x"
 * How (or whether) Sandbox is reached is up to each case; `probed` says whether it carries the probe.
 */
function build(probed = true) {
  const b = new SnapshotBuilder();
  const root = b.root();
  const gcRoots = b.node('synthetic', '(GC roots)');
  const global = b.node('object', 'global');
  const sandbox = b.node('object', 'Sandbox');
  const probeValue = b.node('string', 'probe_x');
  b.edge(root, 'element', 1, gcRoots).edge(root, 'shortcut', '2', global);
  if (probed) b.edge(sandbox, 'property', 'probe_x', probeValue);
  b.edge(sandbox, 'property', 'name', probeValue);
  return { b, root, gcRoots, global, sandbox };
}

function heldByGlobal(b: SnapshotBuilder, global: ReturnType<typeof build>['global'], sandbox: ReturnType<typeof build>['sandbox']) {
  const holder = b.node('object', 'Holder');
  const list = b.node('object', 'Array');
  const elements = b.node('array', '');
  b.edge(global, 'property', 'holder', holder).edge(holder, 'property', 'list', list);
  b.edge(list, 'internal', 'elements', elements).edge(elements, 'element', 2, sandbox);
}

describe('findProbed', () => {
  it('finds the object that carries the probe property', async () => {
    const { b, global, sandbox } = build();
    heldByGlobal(b, global, sandbox);
    const { graph } = await analyze(b.writeTo(join(dir, 'find.heapsnapshot')));
    expect(findProbed(graph, 'probe_x')).toBe(sandbox.ordinal);
  });

  it('is -1 when the name is only a string, not a property', async () => {
    // "probe_x" is in the strings (the string node's name) but no property edge has it.
    const { b, global, sandbox } = build(false);
    heldByGlobal(b, global, sandbox);
    const { graph } = await analyze(b.writeTo(join(dir, 'string-only.heapsnapshot')));
    expect(findProbed(graph, 'probe_x')).toBe(-1);
    expect(findProbed(graph, 'probe_y')).toBe(-1);
  });

  it('needs the exact name, not one that contains it', async () => {
    const b = new SnapshotBuilder();
    const global = b.node('object', 'global');
    const other = b.node('object', 'Other');
    b.edge(b.root(), 'shortcut', '1', global).edge(global, 'property', 'probe_x_2', other).edge(global, 'property', 'xprobe_x', other);
    const { graph } = await analyze(b.writeTo(join(dir, 'prefix.heapsnapshot')));
    expect(findProbed(graph, 'probe_x')).toBe(-1);
  });

  it('ignores an internal edge with the name', async () => {
    const b = new SnapshotBuilder();
    const global = b.node('object', 'global');
    const other = b.node('object', 'Other');
    b.edge(b.root(), 'shortcut', '1', global).edge(global, 'internal', 'probe_x', other);
    const { graph } = await analyze(b.writeTo(join(dir, 'internal-name.heapsnapshot')));
    expect(findProbed(graph, 'probe_x')).toBe(-1);
  });
});

describe('explainProbe on hand-made snapshots', () => {
  it('gives the path from the global to the probed object', async () => {
    const { b, global, sandbox } = build();
    heldByGlobal(b, global, sandbox);
    expect(await explainProbe(b.writeTo(join(dir, 'retained.heapsnapshot')), 'probe_x')).toEqual({
      status: 'retained',
      path: ['(GC roots)', 'global', 'holder (Holder)', 'list (Array)', 'elements', '[2]', 'Sandbox'],
      className: 'Sandbox',
      bytes: expect.any(Number),
    });
  });

  it('is absent when no object carries the probe', async () => {
    const { b, global, sandbox } = build(false);
    heldByGlobal(b, global, sandbox);
    expect(await explainProbe(b.writeTo(join(dir, 'absent.heapsnapshot')), 'probe_x')).toEqual({ status: 'absent' });
  });

  it('is unreachable when only a weak edge reaches it', async () => {
    const { b, global, sandbox } = build();
    b.edge(global, 'weak', 'ref', sandbox);
    expect(await explainProbe(b.writeTo(join(dir, 'weak.heapsnapshot')), 'probe_x')).toEqual({ status: 'unreachable', className: 'Sandbox' });
  });

  it('is unreachable when nothing reaches it', async () => {
    const { b } = build();
    expect(await explainProbe(b.writeTo(join(dir, 'orphan.heapsnapshot')), 'probe_x')).toEqual({ status: 'unreachable', className: 'Sandbox' });
  });

  it('follows what only the system roots hold', async () => {
    const { b, gcRoots, sandbox } = build();
    const handles = b.node('synthetic', '(Global handles)');
    b.edge(gcRoots, 'element', 0, handles).edge(handles, 'hidden', 4, sandbox);
    expect(await explainProbe(b.writeTo(join(dir, 'system.heapsnapshot')), 'probe_x')).toEqual({
      status: 'retained',
      path: ['(GC roots)', '[1]', '[0]', '[4]', 'Sandbox'],
      className: 'Sandbox',
      bytes: expect.any(Number),
    });
  });

  /** global ─run→ run() ─<jitEdge>→ (system) FeedbackCell ─value→ (system) FeedbackVector ─[0]→ Sandbox */
  function heldByCode(jitEdge: string) {
    const { b, global, sandbox } = build();
    const run = b.node('closure', 'run');
    const cell = b.node('hidden', 'system / FeedbackCell');
    const vector = b.node('hidden', 'system / FeedbackVector');
    b.edge(global, 'property', 'run', run).edge(run, 'internal', jitEdge, cell);
    b.edge(cell, 'internal', 'value', vector).edge(vector, 'hidden', 0, sandbox);
    return b;
  }

  it('does not count a hold through feedback_cell', async () => {
    const file = heldByCode('feedback_cell').writeTo(join(dir, 'feedback.heapsnapshot'));
    expect(await explainProbe(file, 'probe_x')).toEqual({ status: 'unreachable', className: 'Sandbox' });
  });

  it('counts the same hold under another internal edge name', async () => {
    const file = heldByCode('shared').writeTo(join(dir, 'shared.heapsnapshot'));
    expect(await explainProbe(file, 'probe_x')).toEqual({
      status: 'retained',
      path: ['(GC roots)', 'global', 'run (run())', 'shared', 'value', '[0]', 'Sandbox'],
      className: 'Sandbox',
      bytes: expect.any(Number),
    });
  });

  it('counts a property named feedback_cell: only internal edges are compiled-code metadata', async () => {
    const { b, global, sandbox } = build();
    b.edge(global, 'property', 'feedback_cell', sandbox);
    expect(await explainProbe(b.writeTo(join(dir, 'feedback-property.heapsnapshot')), 'probe_x')).toEqual({
      status: 'retained',
      path: ['(GC roots)', 'global', 'feedback_cell', 'Sandbox'],
      className: 'Sandbox',
      bytes: expect.any(Number),
    });
  });

  it("does not count Node's cleanup queue holding a vm context (a weak reference in Node)", async () => {
    const { b, global, sandbox } = build();
    const queue = b.node('native', 'Node / CleanupQueue');
    const contextify = b.node('native', 'Node / ContextifyContext');
    b.edge(global, 'property', 'queue', queue).edge(queue, 'element', 6, contextify).edge(contextify, 'internal', 'native_to_javascript', sandbox);
    expect(await explainProbe(b.writeTo(join(dir, 'cleanup-queue.heapsnapshot')), 'probe_x')).toEqual({ status: 'unreachable', className: 'Sandbox' });
    // The same chain from any other native holder keeps it.
    const other = build();
    const holder = other.b.node('native', 'Node / SomethingElse');
    other.b.edge(other.global, 'property', 'holder', holder).edge(holder, 'internal', 'kept', other.sandbox);
    expect((await explainProbe(other.b.writeTo(join(dir, 'other-native.heapsnapshot')), 'probe_x')).status).toBe('retained');
  });

  it('takes another path when feedback_cell is not the only one', async () => {
    const { b: b2, global, sandbox } = build();
    const run = b2.node('closure', 'run');
    const cell = b2.node('hidden', 'system / FeedbackCell');
    b2.edge(global, 'property', 'run', run).edge(run, 'internal', 'feedback_cell', cell).edge(cell, 'hidden', 0, sandbox);
    b2.edge(global, 'property', 'kept', sandbox);
    expect(await explainProbe(b2.writeTo(join(dir, 'feedback-and-kept.heapsnapshot')), 'probe_x')).toEqual({
      status: 'retained',
      path: ['(GC roots)', 'global', 'kept', 'Sandbox'],
      className: 'Sandbox',
      bytes: expect.any(Number),
    });
  });
});

/** A name no other object in this process has as a property. */
const HOLDER = '__heaplensObjectPathHolder_7c1e';

describe('explainProbe on a snapshot of this process', () => {
  it('explains a live vm context sandbox, then finds it gone once released', async () => {
    const holder = new Map<string, object>();
    (globalThis as Record<string, unknown>)[HOLDER] = holder;
    try {
      (() => {
        const ctx = vm.createContext({});
        Object.defineProperty(ctx, 'probe_y', { value: 'probe_y', configurable: true });
        holder.set('ctx', ctx);
      })();
      const live = join(dir, 'live.heapsnapshot');
      writeHeapSnapshot(live);
      const retained = await explainProbe(live, 'probe_y');
      expect(retained.status).toBe('retained');
      if (retained.status !== 'retained') return;
      expect(retained.className).toBe('Object');
      // The Map's backing table holds the sandbox at an index of V8's choosing.
      expect(retained.path).toEqual(['(GC roots)', 'global', `${HOLDER} (Map)`, 'table', expect.stringMatching(/^\d+$/), 'Object']);

      holder.delete('ctx');
      // Timers, not setImmediate: an optimising compile still in flight (of the
      // engine code explainProbe just ran) holds every native context in V8's
      // "(Handle scope)" root until it is finished, the vm context's included.
      const gc = getGc();
      for (let i = 0; i < 3; i += 1) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const gone = join(dir, 'gone.heapsnapshot');
      writeHeapSnapshot(gone);
      expect((await explainProbe(gone, 'probe_y')).status).toMatch(/^(absent|unreachable)$/);
    } finally {
      delete (globalThis as Record<string, unknown>)[HOLDER];
    }
  });
});
