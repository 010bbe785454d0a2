import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../src/engine/diff.js';
import { HeapSnapshotError } from '../src/engine/errors.js';
import { parseSnapshot, parseSnapshotNodes, readSnapshotIds } from '../src/engine/parse.js';
import { NODE20, SnapshotBuilder, tempDir, type OutputOptions } from './support/snapshot-builder.js';

const dir = tempDir();

/** 4 nodes, 3 edges, a few strings. */
function small(layout = NODE20) {
  const b = new SnapshotBuilder(layout);
  const global = b.node('object', 'global', { selfSize: 24 });
  const a = b.node('object', 'Alpha', { selfSize: 100 });
  const c = b.node('string', 'some text', { selfSize: 20 });
  b.edge(b.root(), 'shortcut', '1', global).edge(global, 'property', 'alpha', a).edge(a, 'property', 'text', c);
  return b;
}

let files = 0;
const write = (content: string | Buffer) => {
  const file = join(dir, `bad-${files++}.heapsnapshot`);
  writeFileSync(file, content);
  return file;
};

/** Rejects with a HeapSnapshotError naming the file and matching `problem`. */
async function rejects(file: string, problem: RegExp, parse: (f: string) => Promise<unknown> = parseSnapshot) {
  const error = await parse(file).then(
    () => expect.fail(`${file} parsed`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HeapSnapshotError);
  const e = error as HeapSnapshotError;
  expect(e.name).toBe('HeapSnapshotError');
  expect(e.file).toBe(file);
  expect(e.problem).toMatch(problem);
  expect(e.message).toBe(`${file}: ${e.problem}`);
}

const text = (options: OutputOptions = {}) => small().toString(options);
/** The text cut right after the first occurrence of `marker` plus `extra` bytes. */
const cut = (marker: string, extra: number) => {
  const s = text();
  return s.slice(0, s.indexOf(marker) + marker.length + extra);
};

describe('snapshots that cannot be read', () => {
  it('a valid one parses (the baseline)', async () => {
    const data = await parseSnapshot(write(text()));
    expect(data.meta.nodeCount).toBe(4);
    expect(data.meta.edgeCount).toBe(3);
  });

  it('an empty file', async () => {
    await rejects(write(''), /^empty file$/);
    await rejects(write(''), /^empty file$/, parseSnapshotNodes);
    await rejects(write(''), /^empty file$/, readSnapshotIds);
  });

  it('a missing file', async () => {
    await rejects(join(dir, 'nope.heapsnapshot'), /^no such file$/);
  });

  it('a directory', async () => {
    await rejects(dir, /directory/);
  });

  it.each([
    ['JSON of another, longer shape', '{"foo": 1, "bar": [1, 2, 3]}'],
    ['random text', 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n'.repeat(20)],
    ['binary bytes', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07])],
  ])('not a heap snapshot: %s', async (_, content) => {
    await rejects(write(content), /^not a heap snapshot/);
  });

  it.each([
    ['JSON of another shape', '{"foo":1}'],
    ['a short word', 'hello'],
  ])('not a heap snapshot, however short: %s', async (_, content) => {
    await rejects(write(content), /^not a heap snapshot/);
  });

  it('a short prefix of a real header is truncated, not foreign', async () => {
    await rejects(write('{"snapsh'), /^truncated/);
  });

  it('a header that is not valid JSON', async () => {
    await rejects(write('{"snapshot":{"meta":{oops}},\n"nodes":[]}'), /^not a heap snapshot: its header is not valid JSON$/);
  });

  it.each([
    ['inside the header', () => text().slice(0, 200)],
    ['in the middle of the nodes', () => cut('"nodes":[', 9)],
    ['in the middle of the edges', () => cut('"edges":[', 5)],
    ['between the edges and the strings', () => cut('"locations":[]', 0)],
    ['in the middle of the strings', () => cut('"strings":[', 14)],
    ['before the strings array closes', () => text().slice(0, -2)],
  ])('truncated %s', async (_, content) => {
    await rejects(write(content()), /^truncated/);
  });

  it('truncated in the nodes, read for its ids', async () => {
    await rejects(write(cut('"nodes":[', 9)), /^truncated/, readSnapshotIds);
  });

  it('node_count too high', async () => {
    await rejects(write(text({ nodeCount: 5 })), /^the header says 5 nodes but the nodes array holds 4 \(28 numbers for 7 fields each\)$/);
  });

  it('node_count too low', async () => {
    await rejects(write(text({ nodeCount: 3 })), /^the nodes array holds more entries than the header's counts say$/);
    await rejects(write(text({ nodeCount: 3 })), /more nodes than the header says/, readSnapshotIds);
  });

  it('edge_count too high or too low', async () => {
    await rejects(write(text({ edgeCount: 4 })), /^the header says 4 edges but the edges array holds 3 \(9 numbers for 3 fields each\)$/);
    await rejects(write(text({ edgeCount: 2 })), /^the edges array holds more entries than the header's counts say$/);
  });

  it('node_fields without id', async () => {
    const noId = { ...NODE20, nodeFields: NODE20.nodeFields.filter((f) => f !== 'id') };
    await rejects(write(small(noId).toString()), /^unknown node field list \[type, name, self_size, edge_count, trace_node_id, detachedness\]: .*\(missing id\)$/);
  });

  it('edge_fields without to_node', async () => {
    const noTo = { ...NODE20, edgeFields: ['type', 'name_or_index'] };
    await rejects(write(small(noTo).toString()), /missing to_node/);
  });

  it('a negative or fractional field', async () => {
    await rejects(write(text().replace('"nodes":[9,', '"nodes":[9,-')), /not a whole, non-negative number/);
    await rejects(write(text().replace('"nodes":[9,', '"nodes":[9.5,')), /not a whole, non-negative number/);
  });

  it('a stream is named by the name option', async () => {
    const error = await parseSnapshot(Readable.from([Buffer.from('{"foo": 1, "bar": [1, 2, 3]}')]), { name: 'after.heapsnapshot' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeapSnapshotError);
    expect((error as HeapSnapshotError).file).toBe('after.heapsnapshot');
    const unnamed = await parseSnapshot(Readable.from([Buffer.from('')])).catch((e: unknown) => e);
    expect((unnamed as HeapSnapshotError).message).toBe('<stream>: empty file');
  });

  it('diffSnapshots names the bad file of a pair', async () => {
    const good = write(text());
    const bad = write(cut('"edges":[', 5));
    await expect(diffSnapshots(good, bad)).rejects.toMatchObject({ name: 'HeapSnapshotError', file: bad });
    const missing = join(dir, 'missing-before.heapsnapshot');
    await expect(diffSnapshots(missing, good)).rejects.toMatchObject({ name: 'HeapSnapshotError', file: missing, problem: 'no such file' });
  });

  it("nodes' edge counts that disagree with edge_count", async () => {
    // Header counts match the arrays, but global claims 2 edges: 4 in all, for 3.
    const file = write(text().replace('\n,3,2,3,24,1,0,0\n', '\n,3,2,3,24,2,0,0\n'));
    await expect(parseSnapshot(file)).resolves.toBeDefined();
    await expect(diffSnapshots(write(text()), file)).rejects.toMatchObject({ name: 'HeapSnapshotError', file });
  });
});
