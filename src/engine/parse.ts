import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { HeapSnapshotError } from './errors.js';
import { LoadError, SnapshotLoader, type LoaderOptions, type SnapshotData, type GraphColumns, type SnapshotColumns, type SnapshotIds, type SnapshotNodes } from './loader.js';

/** A file path, or a stream of the snapshot's text (e.g. `v8.getHeapSnapshot()`). */
export type SnapshotSource = string | Readable;

export interface ParseOptions {
  /** Name used in error messages for a stream source. */
  readonly name?: string;
  /** Typed-array chunk length (elements); tests use small ones to exercise split arrays. */
  readonly chunkLength?: number;
}

const READ_SIZE = 1024 * 1024;

type ReadResult = { bytesRead: number; buffer: Buffer };

type MakeLoader = (sourceBytes?: number) => SnapshotLoader;

async function feedFile(path: string, makeLoader: MakeLoader): Promise<SnapshotLoader> {
  const handle = await open(path, 'r');
  let pending: Promise<ReadResult> | undefined;
  try {
    const { size } = await handle.stat();
    const loader = makeLoader(size);
    // Two reusable buffers: the next read runs (in the thread pool) while the
    // loader parses the current one; the loader copies what it keeps.
    const buffers = [Buffer.allocUnsafe(READ_SIZE), Buffer.allocUnsafe(READ_SIZE)];
    let turn = 0;
    let position = 0;
    const issue = (): Promise<ReadResult> => {
      turn ^= 1;
      return handle.read(buffers[turn]!, 0, READ_SIZE, position);
    };
    pending = issue();
    while (!loader.done) {
      const { bytesRead, buffer } = await pending;
      pending = undefined;
      if (bytesRead === 0) break;
      position += bytesRead;
      pending = issue();
      loader.write(buffer.subarray(0, bytesRead));
    }
    return loader;
  } finally {
    // Never close the handle under a read in flight.
    if (pending) await pending.catch(() => undefined);
    await handle.close();
  }
}

async function feed(source: SnapshotSource, makeLoader: MakeLoader): Promise<SnapshotLoader> {
  if (typeof source === 'string') return feedFile(source, makeLoader);
  const loader = makeLoader();
  for await (const chunk of source as AsyncIterable<Buffer | string>) {
    loader.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (loader.done) {
      source.destroy();
      break;
    }
  }
  return loader;
}

function describeSource(source: SnapshotSource, options: ParseOptions): string {
  return typeof source === 'string' ? source : options.name ?? '<stream>';
}

async function load<T>(source: SnapshotSource, options: ParseOptions, loaderOptions: LoaderOptions, finish: (l: SnapshotLoader) => T): Promise<T> {
  const name = describeSource(source, options);
  const makeLoader: MakeLoader = (sourceBytes) =>
    new SnapshotLoader({
      ...loaderOptions,
      ...(options.chunkLength ? { chunkLength: options.chunkLength } : {}),
      ...(sourceBytes ? { sourceBytes } : {}),
    });
  try {
    return finish(await feed(source, makeLoader));
  } catch (error) {
    if (error instanceof LoadError) throw new HeapSnapshotError(name, error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HeapSnapshotError(name, 'no such file');
    if (code === 'EISDIR') throw new HeapSnapshotError(name, 'is a directory, not a heap snapshot file');
    if (code === 'EACCES') throw new HeapSnapshotError(name, 'permission denied');
    throw error;
  }
}

/** Parses a whole snapshot into typed arrays (streamed; the file is never held in memory). */
export function parseSnapshot(source: SnapshotSource, options: ParseOptions = {}): Promise<SnapshotData> {
  return load(source, options, {}, (l) => l.finish());
}

/** Reads only the node ids (sorted): enough to tell new objects of a later snapshot apart. */
export function readSnapshotIds(source: SnapshotSource, options: ParseOptions = {}): Promise<SnapshotIds> {
  return load(source, options, { idsOnly: true }, (l) => l.finishIds());
}

/** Reads nodes and strings, skipping the edges: the `before` side of a diff. */
export function parseSnapshotNodes(source: SnapshotSource, options: ParseOptions = {}): Promise<SnapshotNodes> {
  return load(source, options, { skipEdges: true }, (l) => l.finishNodes());
}

/** Reads the node columns a diff needs of `before` (id, type, name, self size) and the strings. */
export function parseSnapshotColumns(source: SnapshotSource, options: ParseOptions = {}): Promise<SnapshotColumns> {
  return load(source, options, { columns: true }, (l) => l.finishColumns());
}

/** Reads the columns a HeapGraph is made of, without holding the node and edge records. */
export function parseGraphColumns(source: SnapshotSource, options: ParseOptions = {}): Promise<GraphColumns> {
  return load(source, options, { graph: true }, (l) => l.finishGraph());
}
