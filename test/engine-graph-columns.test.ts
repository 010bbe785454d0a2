import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { HeapGraph } from '../src/engine/graph.js';
import { parseGraphColumns, parseSnapshot } from '../src/engine/parse.js';

// diff and inspect read the after snapshot straight into graph columns; the
// public parseSnapshot keeps the records. Both must give the same graph.
const dir = mkdtempSync(join(tmpdir(), 'heaplens-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graph columns read straight from the file', () => {
  const file = writeHeapSnapshot(join(dir, 'self.heapsnapshot'));

  it.each([undefined, 4096])('equal the columns copied from the records (chunkLength %s)', async (chunkLength) => {
    const options = chunkLength ? { chunkLength } : {};
    const fromRecords = new HeapGraph(await parseSnapshot(file, options));
    const fromColumns = new HeapGraph(await parseGraphColumns(file, options));
    expect(fromColumns.nodeCount).toBe(fromRecords.nodeCount);
    expect(fromColumns.edgeCount).toBe(fromRecords.edgeCount);
    for (const column of ['ids', 'types', 'names', 'selfSizes', 'firstEdge', 'edgeTargets', 'edgeTypes', 'edgeNames'] as const) {
      expect(Buffer.compare(Buffer.from(fromColumns[column].buffer), Buffer.from(fromRecords[column].buffer)), column).toBe(0);
    }
  });

  it('rejects a truncated file like the record reader does', async () => {
    await expect(parseGraphColumns(join(dir, 'missing.heapsnapshot'))).rejects.toMatchObject({ name: 'HeapSnapshotError', problem: 'no such file' });
  });
});
