import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../src/engine/diff.js';
import { tempDir } from './support/snapshot-builder.js';

class LeakyThing {
  readonly label: string;
  readonly values: number[];
  constructor(readonly index: number) {
    this.label = `leaky thing #${index}`;
    this.values = [index, index + 1, index + 2];
  }
}
class WeakMapKeyThing {
  readonly payload = new Array(100).fill(0);
}
class WeakMapValueThing {
  readonly payload = new Array(100).fill(1);
}
class WeakRefThing {
  readonly payload = new Array(100).fill(2);
}
class SameJobWeakRefThing {
  readonly payload = new Array(100).fill(3);
}

/** Module-level: what the test leaks stays here after it ends. */
const leakHolder = { leakyThings: [] as LeakyThing[] };
const weakMap = new WeakMap<object, object>();
const weakRefs: Array<WeakRef<object>> = [];

const dir = tempDir();

describe('diffSnapshots on real snapshots of this process', () => {
  it('blames 1000 LeakyThings held by a module-level array, and nothing held weakly', async () => {
    const before = v8.writeHeapSnapshot(join(dir, 'before.heapsnapshot'));
    for (let i = 0; i < 1000; i += 1) leakHolder.leakyThings.push(new LeakyThing(i));
    for (let i = 0; i < 100; i += 1) weakMap.set(new WeakMapKeyThing(), new WeakMapValueThing());
    for (let i = 0; i < 100; i += 1) weakRefs.push(new WeakRef(new WeakRefThing()));
    // A WeakRef keeps its target alive until the end of the current job.
    await sleep(1);
    const after = v8.writeHeapSnapshot(join(dir, 'after.heapsnapshot'));

    const diff = await diffSnapshots(before, after, { top: 20 });
    expect(diff.classes.find((r) => r.name === 'LeakyThing')).toMatchObject({ addedCount: 1000, removedCount: 0, countDelta: 1000 });
    const [first] = diff.culprits;
    expect(first).toMatchObject({ name: 'LeakyThing', count: 1000 });
    expect(first!.retainedSize).toBeGreaterThanOrEqual(first!.size);
    expect(first!.path.at(-1)).toBe('LeakyThing');
    // The array is an object on the path, so its segment reads `leakyThings (Array)`.
    expect(first!.path.map((segment) => segment.split(' (')[0])).toContain('leakyThings');
    expect(first!.path.slice(-3)).toEqual(['leakyThings (Array)', expect.stringMatching(/^\[\d+\]$/), 'LeakyThing']);
    const names = diff.culprits.map((c) => c.name);
    for (const weak of ['WeakMapKeyThing', 'WeakMapValueThing', 'WeakRefThing']) expect(names).not.toContain(weak);
    expect(weakRefs).toHaveLength(100);
  });

  it('does not blame WeakRef targets kept only until the end of the job', async () => {
    const before = v8.writeHeapSnapshot(join(dir, 'job-before.heapsnapshot'));
    for (let i = 0; i < 100; i += 1) weakRefs.push(new WeakRef(new SameJobWeakRefThing()));
    const after = v8.writeHeapSnapshot(join(dir, 'job-after.heapsnapshot'));
    const diff = await diffSnapshots(before, after, { top: 20 });
    expect(diff.culprits.map((c) => c.name)).not.toContain('SameJobWeakRefThing');
  });
});
