import { openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { userRoots } from '../src/engine/distances.js';
import { HeapGraph } from '../src/engine/graph.js';
import type { SnapshotData } from '../src/engine/loader.js';
import { parseSnapshot } from '../src/engine/parse.js';
import { retainerPath } from '../src/engine/paths.js';
import { analyze, tempDir } from './support/snapshot-builder.js';

class ParseRealMarker {
  readonly note = 'found me';
}

const dir = tempDir();
(globalThis as Record<string, unknown>).__parseRealMarker = new ParseRealMarker();

/** The header's counts, read from the file's first bytes. */
function headerCounts(file: string): { nodes: number; edges: number } {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(4096);
  readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const match = /"node_count":(\d+),"edge_count":(\d+)/.exec(buffer.toString())!;
  return { nodes: Number(match[1]), edges: Number(match[2]) };
}

/** The first index where a parsed array and a JSON one differ, or -1. */
function firstDifference(parsed: SnapshotData['nodes'], json: number[]): number {
  if (parsed.length !== json.length) return Math.min(parsed.length, json.length);
  for (let i = 0; i < json.length; i += 1) if (parsed.get(i) !== json[i]) return i;
  return -1;
}

describe('a real snapshot of this process', () => {
  const file = v8.writeHeapSnapshot(join(dir, 'self.heapsnapshot'));

  it('matches the header counts and JSON.parse, number for number and string for string', async () => {
    const data = await parseSnapshot(file);
    const counts = headerCounts(file);
    expect(data.meta.nodeCount).toBe(counts.nodes);
    expect(data.meta.edgeCount).toBe(counts.edges);
    expect(data.nodes.length).toBe(counts.nodes * data.meta.nodeFieldCount);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { nodes: number[]; edges: number[]; strings: string[] };
    expect(firstDifference(data.nodes, json.nodes)).toBe(-1);
    expect(firstDifference(data.edges, json.edges)).toBe(-1);
    expect(data.strings.length).toBe(json.strings.length);
    let mismatches = 0;
    for (let i = 0; i < json.strings.length; i += 1) if (data.strings.get(i) !== json.strings[i]) mismatches += 1;
    expect(mismatches).toBe(0);
  });

  it('parses the same into split typed arrays', async () => {
    const whole = await parseSnapshot(file);
    const split = await parseSnapshot(file, { chunkLength: 2 ** 12 });
    expect(split.nodes.chunks.length).toBeGreaterThan(1);
    expect(split.edges.chunks.length).toBeGreaterThan(1);
    expect(firstDifference(split.nodes, Array.from(whole.nodes.chunks[0]!))).toBe(-1);
    expect(firstDifference(split.edges, Array.from(whole.edges.chunks[0]!))).toBe(-1);
  });

  it('finds global, and a path to an object this test made', async () => {
    const { graph, tree, distances } = await analyze(file);
    expect(graph.typeName(0)).toBe('synthetic');
    expect(userRoots(graph).map((o) => graph.className(o))).toContain('global');
    let marker = -1;
    for (let o = 0; o < graph.nodeCount; o += 1) if (graph.className(o) === 'ParseRealMarker') marker = o;
    expect(marker).toBeGreaterThan(0);
    expect(tree.reachable[marker]).toBe(1);
    expect(retainerPath(graph, distances, marker)).toEqual(['(GC roots)', 'global', '__parseRealMarker', 'ParseRealMarker']);
    expect(tree.retainedSize[0]).toBeGreaterThan(1_000_000);
  });

  it('parses the stream of v8.getHeapSnapshot()', async () => {
    const data = await parseSnapshot(v8.getHeapSnapshot());
    expect(data.meta.nodeCount).toBeGreaterThan(10_000);
    expect(data.meta.nodeTypes).toContain('synthetic');
    const graph = new HeapGraph(data);
    expect(userRoots(graph).map((o) => graph.className(o))).toContain('global');
  });
});
