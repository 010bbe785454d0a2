import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/projects.js';

// getGc() toggles a process-wide V8 flag; worker threads that start together
// (Jest's and Vitest's thread pools do) race on it. Every one of them must
// still get a working gc().
const dir = mkdtempSync(join(tmpdir(), 'heaplens-gc-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bundleGc(): string {
  const out = join(dir, 'gc.mjs');
  const { outputFiles } = buildSync({ entryPoints: [join(ROOT, 'src/core/gc.ts')], bundle: true, format: 'esm', platform: 'node', write: false });
  writeFileSync(out, outputFiles[0]!.text);
  const worker = join(dir, 'worker.mjs');
  writeFileSync(
    worker,
    `import { parentPort } from 'node:worker_threads';\nimport { getGc } from './gc.mjs';\n` +
      `try { const gc = getGc(); gc(); parentPort.postMessage('ok'); } catch (e) { parentPort.postMessage(String(e)); }\n`,
  );
  return worker;
}

describe('getGc in worker threads that start at once', () => {
  it('gives every thread a working gc()', async () => {
    const worker = bundleGc();
    const results: string[] = [];
    for (let round = 0; round < 40; round += 1) {
      const threads = Array.from({ length: 4 }, () => new Worker(worker));
      results.push(...(await Promise.all(threads.map((t) => new Promise<string>((resolve) => t.once('message', resolve))))));
      await Promise.all(threads.map((t) => t.terminate()));
    }
    expect(results.filter((r) => r !== 'ok')).toEqual([]);
    expect(results).toHaveLength(160);
  });
});
