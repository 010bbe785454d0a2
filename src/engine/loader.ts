import { BigUint32Array } from './big-array.js';
import { readMeta, type SnapshotMeta } from './meta.js';
import { indexStrings, type StringTable } from './strings.js';

/** A parsed snapshot: the heap as parallel typed arrays plus the string table. */
export interface SnapshotData {
  readonly meta: SnapshotMeta;
  /** node_count × node fields, in the order of `meta.node`. */
  readonly nodes: BigUint32Array;
  /** edge_count × edge fields; `to_node` is a node's index into `nodes`. */
  readonly edges: BigUint32Array;
  readonly strings: StringTable;
}

/** Nodes and strings without edges: enough to name what a later snapshot no longer has. */
export interface SnapshotNodes {
  readonly meta: SnapshotMeta;
  readonly nodes: BigUint32Array;
  readonly strings: StringTable;
}

/** Only the node ids of a snapshot, sorted ascending. */
export interface SnapshotIds {
  readonly meta: SnapshotMeta;
  readonly ids: Uint32Array;
  readonly maxId: number;
}

/** A problem with the input; the caller adds the file name. */
export class LoadError extends Error {}

const HEADER_LIMIT = 4 * 1024 * 1024;
const NODES_KEY = Buffer.from('"nodes"');

type Section =
  | { kind: 'header' }
  | { kind: 'between' }
  | { kind: 'numbers'; name: 'nodes' | 'edges' }
  | { kind: 'ids' }
  | { kind: 'skip'; depth: number }
  | { kind: 'strings' }
  | { kind: 'done' };

/** Grows by doubling; holds the raw bytes of the strings section. */
class ByteSink {
  private buffer = Buffer.allocUnsafe(1 << 20);
  length = 0;
  push(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buffer.length) {
      let size = this.buffer.length * 2;
      while (size < this.length + chunk.length) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

export interface LoaderOptions {
  /** Read only node ids and stop after the nodes array. */
  readonly idsOnly?: boolean;
  /** Skip the edges array (the `before` side of a diff needs nodes and strings only). */
  readonly skipEdges?: boolean;
  /** Elements per typed-array chunk (tests force small chunks to exercise the split path). */
  readonly chunkLength?: number;
}

/**
 * A chunk-fed `.heapsnapshot` loader, after DevTools' HeapSnapshotLoader: it
 * never JSON-parses the file and never creates an object per node or edge.
 * The header is parsed as JSON (it is small); numeric arrays are parsed byte
 * by byte straight into typed arrays sized from the header counts; the
 * strings section is kept as raw bytes and indexed at the end.
 */
export class SnapshotLoader {
  private section: Section = { kind: 'header' };
  private header = Buffer.alloc(0);
  private meta: SnapshotMeta | undefined;
  private nodes: BigUint32Array | undefined;
  private edges: BigUint32Array | undefined;
  private ids: Uint32Array | undefined;
  private readonly strings = new ByteSink();
  private sawStrings = false;
  // Numeric parsing state, carried across chunks.
  private value = 0;
  private inNumber = false;
  private position = 0;
  private field = 0;
  private key = '';
  private readonly idsOnly: boolean;
  private readonly skipEdges: boolean;
  private readonly chunkLength: number;

  constructor(options: LoaderOptions = {}) {
    this.idsOnly = options.idsOnly ?? false;
    this.skipEdges = options.skipEdges ?? false;
    this.chunkLength = options.chunkLength ?? BigUint32Array.DEFAULT_CHUNK_LENGTH;
  }

  /** True once nothing more is needed (ids-only mode stops after the nodes). */
  get done(): boolean {
    return this.section.kind === 'done';
  }

  write(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && this.section.kind !== 'done') {
      switch (this.section.kind) {
        case 'header':
          i = this.readHeader(chunk, i);
          break;
        case 'between':
          i = this.readBetween(chunk, i);
          break;
        case 'numbers':
          i = this.readNumbers(chunk, i, this.section.name === 'nodes' ? this.nodes! : this.edges!);
          break;
        case 'ids':
          i = this.readIds(chunk, i);
          break;
        case 'skip':
          i = this.skipArray(chunk, i, this.section);
          break;
        case 'strings':
          this.strings.push(i === 0 ? chunk : chunk.subarray(i));
          i = chunk.length;
          break;
      }
    }
  }

  /** Finishes a full load. */
  finish(): SnapshotData {
    const meta = this.requireMeta();
    if (!this.nodes || !this.edges) throw new LoadError('truncated: the file ends before its nodes and edges arrays');
    if (!this.sawStrings) throw new LoadError('truncated: the file ends before its strings array');
    const indexed = indexStrings(this.strings.bytes(), 1024);
    if (!indexed) throw new LoadError('truncated: the strings array is not closed');
    return { meta, nodes: this.nodes, edges: this.edges, strings: indexed.table };
  }

  /** Finishes a load with `skipEdges`. */
  finishNodes(): SnapshotNodes {
    const meta = this.requireMeta();
    if (!this.nodes) throw new LoadError('truncated: the file ends before its nodes array');
    if (!this.sawStrings) throw new LoadError('truncated: the file ends before its strings array');
    const indexed = indexStrings(this.strings.bytes(), 1024);
    if (!indexed) throw new LoadError('truncated: the strings array is not closed');
    return { meta, nodes: this.nodes, strings: indexed.table };
  }

  /** Finishes an ids-only load. */
  finishIds(): SnapshotIds {
    const meta = this.requireMeta();
    if (!this.ids || this.section.kind !== 'done') throw new LoadError('truncated: the file ends inside its nodes array');
    const ids = this.ids.sort();
    return { meta, ids, maxId: ids.length > 0 ? ids[ids.length - 1]! : 0 };
  }

  private requireMeta(): SnapshotMeta {
    if (this.section.kind === 'header' && this.header.length === 0) throw new LoadError('empty file');
    if (!this.meta) throw new LoadError('truncated: the file ends inside its header');
    return this.meta;
  }

  private readHeader(chunk: Uint8Array, from: number): number {
    const firstBytes = this.header.length === 0;
    this.header = Buffer.concat([this.header, chunk.subarray(from)]);
    if (firstBytes || this.header.length < 16) {
      const text = this.header.toString('utf8', 0, Math.min(this.header.length, 64)).trimStart();
      if (text.length >= 12 && !/^\{\s*"snapshot"\s*:/.test(text)) {
        throw new LoadError('not a heap snapshot: it does not start with {"snapshot":');
      }
    }
    const at = this.header.indexOf(NODES_KEY);
    if (at === -1) {
      if (this.header.length > HEADER_LIMIT) throw new LoadError('not a heap snapshot: no "nodes" array in the first 4 MiB');
      return chunk.length;
    }
    const bracket = this.header.indexOf(0x5b, at + NODES_KEY.length);
    if (bracket === -1) return chunk.length;
    const headerText = this.header.toString('utf8', 0, at).replace(/,\s*$/, '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(`${headerText}}`);
    } catch {
      throw new LoadError('not a heap snapshot: its header is not valid JSON');
    }
    try {
      this.meta = readMeta(parsed);
    } catch (error) {
      throw new LoadError((error as Error).message);
    }
    const { nodeCount, nodeFieldCount } = this.meta;
    if (this.idsOnly) {
      this.ids = new Uint32Array(nodeCount);
      this.section = { kind: 'ids' };
    } else {
      this.nodes = new BigUint32Array(nodeCount * nodeFieldCount, this.chunkLength);
      this.section = { kind: 'numbers', name: 'nodes' };
    }
    this.resetNumbers();
    // Continue in the current chunk right after the '['.
    const consumedBefore = this.header.length - (chunk.length - from);
    const next = bracket + 1 - consumedBefore + from;
    this.header = Buffer.alloc(0);
    return next;
  }

  private resetNumbers(): void {
    this.value = 0;
    this.inNumber = false;
    this.position = 0;
    this.field = 0;
  }

  /** Between arrays: `,"name":[` or the final `}`. */
  private readBetween(chunk: Uint8Array, from: number): number {
    let i = from;
    while (i < chunk.length) {
      const c = chunk[i]!;
      if (c === 0x5b) {
        this.openSection(this.key.replace(/^[\s,]*"|"\s*:\s*$/g, ''));
        this.key = '';
        return i + 1;
      }
      if (c === 0x7d) {
        this.section = { kind: 'done' };
        return i + 1;
      }
      this.key += String.fromCharCode(c);
      i += 1;
    }
    return i;
  }

  private openSection(name: string): void {
    const meta = this.meta!;
    if (name === 'edges' && !this.idsOnly && !this.skipEdges) {
      this.edges = new BigUint32Array(meta.edgeCount * meta.edgeFieldCount, this.chunkLength);
      this.section = { kind: 'numbers', name: 'edges' };
      this.resetNumbers();
    } else if (name === 'strings') {
      this.sawStrings = true;
      this.section = { kind: 'strings' };
    } else {
      this.section = { kind: 'skip', depth: 1 };
    }
  }

  private closeNumbers(name: 'nodes' | 'edges', target: BigUint32Array): void {
    const meta = this.meta!;
    if (this.position !== target.length) {
      const [count, fields] = name === 'nodes' ? [meta.nodeCount, meta.nodeFieldCount] : [meta.edgeCount, meta.edgeFieldCount];
      throw new LoadError(
        `the header says ${count} ${name} but the ${name} array holds ${this.position / fields} (${this.position} numbers for ${fields} fields each)`,
      );
    }
    this.section = { kind: 'between' };
  }

  /** The hot loop: digits straight into the typed array, chunk by chunk. */
  private readNumbers(chunk: Uint8Array, from: number, target: BigUint32Array): number {
    let value = this.value;
    let inNumber = this.inNumber;
    let position = this.position;
    const limit = target.length;
    const chunkShift = Math.log2(this.chunkLength);
    const chunkMask = this.chunkLength - 1;
    let store = target.chunks[position >>> chunkShift] ?? target.chunks[target.chunks.length - 1]!;
    let storeEnd = ((position >>> chunkShift) + 1) * this.chunkLength;
    for (let i = from; i < chunk.length; i += 1) {
      const c = chunk[i]!;
      if (c >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        if (position >= limit) throw new LoadError(`the ${this.section.kind === 'numbers' ? this.section.name : 'numbers'} array holds more entries than the header's counts say`);
        if (position >= storeEnd) {
          store = target.chunks[position >>> chunkShift]!;
          storeEnd += this.chunkLength;
        }
        store[position & chunkMask] = value;
        position += 1;
        value = 0;
        inNumber = false;
      }
      if (c === 0x5d) {
        this.position = position;
        this.value = 0;
        this.inNumber = false;
        this.closeNumbers((this.section as { name: 'nodes' | 'edges' }).name, target);
        return i + 1;
      }
      if (c === 0x2d || c === 0x2e || c === 0x65 || c === 0x45) throw new LoadError('a node or edge field is not a whole, non-negative number');
    }
    this.value = value;
    this.inNumber = inNumber;
    this.position = position;
    return chunk.length;
  }

  /** Ids-only: keep the id field of each node, stop after the nodes array. */
  private readIds(chunk: Uint8Array, from: number): number {
    const meta = this.meta!;
    const ids = this.ids!;
    const fields = meta.nodeFieldCount;
    const idField = meta.node.id;
    let { value, inNumber, position, field } = this;
    for (let i = from; i < chunk.length; i += 1) {
      const c = chunk[i]!;
      if (c >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        if (field === idField) {
          if (position >= ids.length) throw new LoadError('the nodes array holds more nodes than the header says');
          ids[position] = value;
          position += 1;
        }
        field = field + 1 === fields ? 0 : field + 1;
        value = 0;
        inNumber = false;
      }
      if (c === 0x5d) {
        if (position !== ids.length || field !== 0) {
          throw new LoadError(`the header says ${meta.nodeCount} nodes but the nodes array holds ${position}`);
        }
        this.section = { kind: 'done' };
        return i + 1;
      }
    }
    Object.assign(this, { value, inNumber, position, field });
    return chunk.length;
  }

  /** Skips an array we do not use (numbers and nested arrays only). */
  private skipArray(chunk: Uint8Array, from: number, section: { depth: number }): number {
    for (let i = from; i < chunk.length; i += 1) {
      const c = chunk[i]!;
      if (c === 0x5b) section.depth += 1;
      else if (c === 0x5d) {
        section.depth -= 1;
        if (section.depth === 0) {
          this.section = { kind: 'between' };
          return i + 1;
        }
      }
    }
    return chunk.length;
  }
}
