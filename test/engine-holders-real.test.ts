import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots, type SnapshotDiff } from '../src/engine/diff.js';
import { tempDir } from './support/snapshot-builder.js';

/**
 * A project whose user code, test runner and heaplens each keep new objects
 * between two snapshots of a real Node process: only the user's may be
 * culprits, each with the file whose code holds it.
 */
const FILES: Record<string, string> = {
  'src/registry.js': `
    const sessions = [];
    const handlers = [];
    exports.open = (n) => { for (let i = 0; i < 500; i += 1) sessions.push({ n, i, label: 'session ' + n + '/' + i }); };
    exports.addHandler = (n) => {
      const payload = new Array(200).fill(n);
      handlers.push(function onRequest() { return payload.length; });
    };
    const lines = [];
    exports.log = (n) => { for (let i = 0; i < 300; i += 1) lines.push('line ' + n + ' of request ' + i + ' handled'); };
  `,
  // The runner's bookkeeping, in its own module's scope (as @vitest/runner's task event buffer).
  'node_modules/vitest/dist/runner.js': `
    const eventsPacks = [];
    exports.record = (n) => { for (let i = 0; i < 2000; i += 1) eventsPacks.push([n, 'task-update', { n, i }]); };
  `,
  // heaplens' own pending timer, with what its callback keeps.
  'node_modules/heaplens/dist/hooks.js': `
    exports.arm = () => { const state = new Array(5000).fill(7); return setTimeout(() => state.length, 600000); };
  `,
  'main.js': `
    const v8 = require('node:v8');
    const path = require('node:path');
    globalThis.__userApi = require('./src/registry.js');
    globalThis.__runnerApi = require('./node_modules/vitest/dist/runner.js');
    const hooks = require('./node_modules/heaplens/dist/hooks.js');
    v8.writeHeapSnapshot(path.join(__dirname, 'before.heapsnapshot'));
    for (let n = 0; n < 10; n += 1) {
      __userApi.open(n);
      __userApi.addHandler(n);
      __userApi.log(n);
      __runnerApi.record(n);
    }
    const timer = hooks.arm();
    v8.writeHeapSnapshot(path.join(__dirname, 'after.heapsnapshot'));
    clearTimeout(timer);
  `,
};

describe('whose code holds the new objects (real snapshots of a child process)', () => {
  const root = tempDir().replace(/\\/g, '/');
  let diff: SnapshotDiff;

  beforeAll(async () => {
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    execFileSync(process.execPath, [join(root, 'main.js')]);
    diff = await diffSnapshots(join(root, 'before.heapsnapshot'), join(root, 'after.heapsnapshot'), {
      top: 10,
      context: { root, ownDir: `${root}/node_modules/heaplens/dist` },
    });
  }, 120_000);

  it('names the user\'s objects, closures and strings, each held in the user\'s file', () => {
    const held = (name: string) => diff.culprits.find((c) => c.name === name);
    expect(held('Object')).toMatchObject({ holder: 'user', heldIn: 'src/registry.js' });
    expect(held('Object')!.count).toBeGreaterThanOrEqual(5000);
    // A closure is what leaked, with the payload its context keeps: it does not step aside for the arrays.
    expect(held('onRequest (closure)')).toMatchObject({ count: 10, holder: 'user', heldIn: 'src/registry.js' });
    expect(held('onRequest (closure)')!.retainedSize).toBeGreaterThan(10 * 200 * 8);
    // Flat and cons strings are one group, counted once each; an object's own strings (the labels) stay in it.
    // (3000 lines, and the number strings of the indexes, which V8's number-to-string cache shares between them.)
    expect(held('string')).toMatchObject({ holder: 'user', heldIn: 'src/registry.js' });
    expect(held('string')!.count).toBeGreaterThanOrEqual(3000);
    expect(held('string')!.count).toBeLessThan(3600);
    expect(diff.culprits.filter((c) => c.name === 'string' && c.heldIn === 'src/registry.js')).toHaveLength(1);
  });

  it('never names what the runner\'s or heaplens\' code holds, and counts it as internal', () => {
    const onPath = (part: string) => diff.culprits.filter((c) => c.paths.some((p) => p.path.some((s) => s.includes(part))));
    expect(onPath('__runnerApi')).toEqual([]);
    expect(diff.culprits.map((c) => c.name)).not.toContain('Timeout');
    expect(diff.culprits.every((c) => c.holder === 'user' || c.holder === 'none')).toBe(true);
    // 20,000 runner event packs of three slots each, and the timer's 5000-element array.
    expect(diff.internalRetained).toBeGreaterThan(20_000 * 32 + 5000 * 8);
  });
});
