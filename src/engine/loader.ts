import { constants } from 'node:buffer';
import { BigUint32Array } from './big-array.js';
import { readMeta, type SnapshotMeta } from './meta.js';
import { indexStrings, type StringTable } from './strings.js';

import { ByteSink } from './byte-sink.js';
import type { GraphColumns, LoaderOptions, SnapshotColumns, SnapshotData, SnapshotIds, SnapshotNodes } from './snapshot-types.js';

export type { GraphColumns, LoaderOptions, SnapshotColumns, SnapshotData, SnapshotIds, SnapshotNodes } from './snapshot-types.js';

/** A problem with the input; the caller adds the file name. */
export class LoadError extends Error {}

const HEADER_LIMIT = 4 * 1024 * 1024;
const NODES_KEY = Buffer.from('"nodes"');

type Section =
  | { kind: 'header' }
  | { kind: 'between' }
  | { kind: 'numbers'; name: 'nodes' | 'edges' }
  | { kind: 'ids' }
  | { kind: 'edgeColumns' }
  | { kind: 'skip'; depth: number }
  | { kind: 'strings' }
  | { kind: 'done' };

const MAX_LENGTH = constants.MAX_LENGTH;
const NOT_WHOLE = 'a node or edge field is not a whole, non-negative number';

/** A Buffer view of the same bytes (Buffer.indexOf is a native memchr; Uint8Array's is not). */
function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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
  private header: Buffer = Buffer.alloc(0);
  private meta: SnapshotMeta | undefined;
  private nodes: BigUint32Array | undefined;
  private edges: BigUint32Array | undefined;
  private ids: Uint32Array | undefined;
  private strings: ByteSink | undefined;
  private sawStrings = false;
  /** Source bytes so far (written or skipped), up to the start of the current chunk. */
  private consumed = 0;
  // Numeric parsing state, carried across chunks.
  private value = 0;
  private inNumber = false;
  private position = 0;
  private field = 0;
  private key = '';
  private readonly idsOnly: boolean;
  private readonly columnsOnly: boolean;
  private readonly graphColumns: boolean;
  private graphArrays: Omit<GraphColumns, 'meta' | 'strings'> | undefined;
  /** Where the current records section goes next: `done` (ids-only) or the next section. */
  private recordCount = 0;
  private recordFields = 0;
  private recordName: 'nodes' | 'edges' = 'nodes';
  /** Per node field, the column it is copied into (columns and ids-only modes). */
  private targets: Array<Uint32Array | Uint8Array | undefined> = [];
  private columnArrays: { ids: Uint32Array; types: Uint32Array; names: Uint32Array; selfSizes: Uint32Array } | undefined;
  private readonly skipEdges: boolean;
  private readonly chunkLength: number;
  private readonly sourceBytes: number;

  constructor(options: LoaderOptions = {}) {
    this.idsOnly = options.idsOnly ?? false;
    this.columnsOnly = options.columns ?? false;
    this.graphColumns = options.graph ?? false;
    this.skipEdges = options.skipEdges ?? false;
    this.chunkLength = options.chunkLength ?? BigUint32Array.DEFAULT_CHUNK_LENGTH;
    this.sourceBytes = options.sourceBytes ?? 0;
  }

  /** True once nothing more is needed (ids-only mode stops after the nodes). */
  get done(): boolean {
    return this.section.kind === 'done';
  }

  write(input: Uint8Array): void {
    const chunk = asBuffer(input);
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
          if (!this.strings) {
            // Everything left in the source belongs to the strings section (V8 writes it last).
            const left = this.sourceBytes - this.consumed - i;
            this.strings = new ByteSink(left >= chunk.length - i && left <= MAX_LENGTH ? left : 1 << 20);
          }
          this.strings.push(i === 0 ? chunk : chunk.subarray(i));
          i = chunk.length;
          break;
      }
    }
    this.consumed += chunk.length;
  }

  /** Finishes a full load. */
  finish(): SnapshotData {
    const meta = this.requireMeta();
    if (!this.nodes || !this.edges) throw new LoadError('truncated: the file ends before its nodes and edges arrays');
    if (!this.sawStrings) throw new LoadError('truncated: the file ends before its strings array');
    return { meta, nodes: this.nodes, edges: this.edges, strings: this.indexStrings() };
  }

  /** Finishes a load with `skipEdges`. */
  finishNodes(): SnapshotNodes {
    const meta = this.requireMeta();
    if (!this.nodes) throw new LoadError('truncated: the file ends before its nodes array');
    if (!this.sawStrings) throw new LoadError('truncated: the file ends before its strings array');
    return { meta, nodes: this.nodes, strings: this.indexStrings() };
  }

  /** Finishes a graph-columns load. */
  finishGraph(): GraphColumns {
    const meta = this.requireMeta();
    if (!this.graphArrays || this.recordName !== 'edges') throw new LoadError('truncated: the file ends before its nodes and edges arrays');
    if (!this.sawStrings) throw new LoadError('truncated: the file ends before its strings array');
    return { meta, ...this.graphArrays, strings: this.indexStrings() };
  }

  /** Finishes a columns load. */
  finishColumns(): SnapshotColumns {
    const meta = this.requireMeta();
    if (!this.columnArrays) throw new LoadError('truncated: the file ends before its nodes array');
    if (!this.sawStrings) throw new LoadError('truncated: the file ends before its strings array');
    return { meta, ...this.columnArrays, strings: this.indexStrings() };
  }

  /** Finishes an ids-only load. */
  finishIds(): SnapshotIds {
    const meta = this.requireMeta();
    if (!this.ids || this.section.kind !== 'done') throw new LoadError('truncated: the file ends inside its nodes array');
    const ids = this.ids.sort();
    return { meta, ids, maxId: ids.length > 0 ? ids[ids.length - 1]! : 0 };
  }

  private indexStrings(): StringTable {
    const indexed = indexStrings(this.strings ? this.strings.bytes() : Buffer.alloc(0), 1024);
    if (!indexed) throw new LoadError('truncated: the strings array is not closed');
    return indexed.table;
  }

  private requireMeta(): SnapshotMeta {
    if (this.section.kind === 'header' && this.header.length === 0) throw new LoadError('empty file');
    if (!this.meta) {
      // Too short for the check in readHeader: could it still be the start of a snapshot?
      const start = this.header.toString('utf8', 0, 64).replace(/\s+/g, '');
      const prefix = '{"snapshot":';
      if (!(start.length < prefix.length ? prefix.startsWith(start) : start.startsWith(prefix))) {
        throw new LoadError('not a heap snapshot: it does not start with {"snapshot":');
      }
      throw new LoadError('truncated: the file ends inside its header');
    }
    return this.meta;
  }

  private readHeader(chunk: Buffer, from: number): number {
    const firstBytes = this.header.length === 0;
    // The header is searched in place; bytes are only kept (copied) when it spans chunks.
    const kept = this.header.length;
    const header = kept === 0 ? chunk.subarray(from) : Buffer.concat([this.header, chunk.subarray(from)]);
    if (firstBytes || header.length < 16) {
      const text = header.toString('utf8', 0, Math.min(header.length, 64)).trimStart();
      if (text.length >= 12 && !/^\{\s*"snapshot"\s*:/.test(text)) {
        throw new LoadError('not a heap snapshot: it does not start with {"snapshot":');
      }
    }
    const at = header.indexOf(NODES_KEY);
    const bracket = at === -1 ? -1 : header.indexOf(0x5b, at + NODES_KEY.length);
    if (bracket === -1) {
      if (at === -1 && header.length > HEADER_LIMIT) throw new LoadError('not a heap snapshot: no "nodes" array in the first 4 MiB');
      this.header = kept === 0 ? Buffer.from(header) : header;
      return chunk.length;
    }
    const headerText = header.toString('utf8', 0, at).replace(/,\s*$/, '');
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
      this.targets = [];
      this.targets[this.meta.node.id] = this.ids;
      this.section = { kind: 'ids' };
    } else if (this.graphColumns) {
      const { id, type, name, selfSize, edgeCount } = this.meta.node;
      const edges = this.meta.edgeCount;
      const arrays = {
        ids: new Uint32Array(nodeCount),
        types: new Uint8Array(nodeCount),
        names: new Uint32Array(nodeCount),
        selfSizes: new Uint32Array(nodeCount),
        edgeCounts: new Uint32Array(nodeCount),
        edgeTypes: new Uint8Array(edges),
        edgeNames: new Uint32Array(edges),
        edgeTargets: new Uint32Array(edges),
      };
      this.graphArrays = arrays;
      this.targets = [];
      this.targets[id] = arrays.ids;
      this.targets[type] = arrays.types;
      this.targets[name] = arrays.names;
      this.targets[selfSize] = arrays.selfSizes;
      this.targets[edgeCount] = arrays.edgeCounts;
      this.section = { kind: 'ids' };
    } else if (this.columnsOnly) {
      const { id, type, name, selfSize } = this.meta.node;
      const arrays = { ids: new Uint32Array(nodeCount), types: new Uint32Array(nodeCount), names: new Uint32Array(nodeCount), selfSizes: new Uint32Array(nodeCount) };
      this.columnArrays = arrays;
      this.targets = [];
      this.targets[id] = arrays.ids;
      this.targets[type] = arrays.types;
      this.targets[name] = arrays.names;
      this.targets[selfSize] = arrays.selfSizes;
      this.section = { kind: 'ids' };
    } else {
      this.nodes = new BigUint32Array(nodeCount * nodeFieldCount, this.chunkLength);
      this.section = { kind: 'numbers', name: 'nodes' };
    }
    this.resetNumbers();
    this.header = Buffer.alloc(0);
    // Continue in the current chunk right after the '['.
    const next = bracket + 1 - kept + from;
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
    if (name === 'edges' && this.graphArrays) {
      const { type, nameOrIndex, toNode } = meta.edge;
      this.targets = [];
      this.targets[type] = this.graphArrays.edgeTypes;
      this.targets[nameOrIndex] = this.graphArrays.edgeNames;
      this.targets[toNode] = this.graphArrays.edgeTargets;
      this.recordName = 'edges';
      this.recordCount = meta.edgeCount;
      this.recordFields = meta.edgeFieldCount;
      this.section = { kind: 'ids' };
      this.resetNumbers();
    } else if (name === 'edges' && !this.idsOnly && !this.skipEdges && !this.columnsOnly) {
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

  private overflow(): LoadError {
    return new LoadError(`the ${this.section.kind === 'numbers' ? this.section.name : 'numbers'} array holds more entries than the header's counts say`);
  }

  /**
   * The hot loop: digits straight into the typed array, chunk by chunk. Works
   * on one typed-array chunk at a time (`store`, local index `k`), so the
   * common single-chunk case has no per-number chunk arithmetic.
   */
  private readNumbers(chunk: Buffer, from: number, target: BigUint32Array): number {
    const n = chunk.length;
    const limit = target.length;
    const chunkLength = this.chunkLength;
    let i = from;
    let position = this.position;
    if (this.inNumber) {
      // A number split across chunks: finish it first.
      let value = this.value;
      while (i < n) {
        const c = chunk[i]!;
        if (c < 0x30 || c > 0x39) break;
        value = value * 10 + (c - 0x30);
        i += 1;
      }
      if (i === n) {
        this.value = value;
        return n;
      }
      if (position >= limit) throw this.overflow();
      target.set(position, value);
      position += 1;
      this.value = 0;
      this.inNumber = false;
    }
    const chunks = target.chunks;
    let chunkIndex = Math.floor(position / chunkLength);
    if (chunkIndex >= chunks.length) chunkIndex = chunks.length - 1;
    let store = chunks[chunkIndex]!;
    let base = chunkIndex * chunkLength;
    let k = position - base;
    let kEnd = store.length;
    while (i < n) {
      let c = chunk[i]!;
      if (c < 0x30) {
        // ',' '\n' and other separators; '-' and '.' are not whole numbers.
        if (c === 0x2d || c === 0x2e) throw new LoadError(NOT_WHOLE);
        i += 1;
        continue;
      }
      if (c > 0x39) {
        if (c === 0x5d) {
          this.position = base + k;
          this.closeNumbers((this.section as { name: 'nodes' | 'edges' }).name, target);
          return i + 1;
        }
        if (c === 0x65 || c === 0x45) throw new LoadError(NOT_WHOLE);
        i += 1;
        continue;
      }
      let value = c - 0x30;
      i += 1;
      while (i < n) {
        c = chunk[i]!;
        if (c < 0x30 || c > 0x39) break;
        value = value * 10 + (c - 0x30);
        i += 1;
      }
      if (i === n) {
        // The number may go on in the next chunk.
        this.value = value;
        this.inNumber = true;
        break;
      }
      if (k >= kEnd) {
        if (base + k >= limit) {
          this.position = base + k;
          throw this.overflow();
        }
        chunkIndex += 1;
        store = chunks[chunkIndex]!;
        base += chunkLength;
        k = 0;
        kEnd = store.length;
      }
      store[k] = value;
      k += 1;
    }
    this.position = base + k;
    return n;
  }

  /** Ids-only: keep the id field of each node, stop after the nodes array. */
  /** Ids-only and columns modes: copy the wanted fields of each node record into columns. */
  private readIds(chunk: Buffer, from: number): number {
    const meta = this.meta!;
    const targets = this.targets;
    const name = this.recordName;
    const count = name === 'nodes' ? meta.nodeCount : this.recordCount;
    const fields = name === 'nodes' ? meta.nodeFieldCount : this.recordFields;
    const n = chunk.length;
    let i = from;
    let position = this.position;
    let field = this.field;
    let value = this.value;
    const store = () => {
      const target = targets[field];
      if (target !== undefined) {
        if (position >= count) throw new LoadError(`the ${name} array holds more ${name} than the header says`);
        target[position] = value;
      }
      if (field + 1 === fields) {
        field = 0;
        position += 1;
      } else field += 1;
    };
    if (this.inNumber) {
      // A number split across chunks: its digits go on here.
      while (i < n) {
        const c = chunk[i]!;
        if (c < 0x30 || c > 0x39) break;
        value = value * 10 + (c - 0x30);
        i += 1;
      }
      if (i === n) {
        this.value = value;
        return n;
      }
      store();
      this.inNumber = false;
    }
    while (i < n) {
      let c = chunk[i]!;
      if (c < 0x30 || c > 0x39) {
        if (c === 0x5d) {
          if (position !== count || field !== 0) {
            throw new LoadError(`the header says ${count} ${name} but the ${name} array holds ${position}`);
          }
          // Ids-only stops here; the columns modes go on.
          this.section = this.idsOnly ? { kind: 'done' } : { kind: 'between' };
          this.position = position;
          this.field = field;
          return i + 1;
        }
        i += 1;
        continue;
      }
      value = c - 0x30;
      i += 1;
      while (i < n) {
        c = chunk[i]!;
        if (c < 0x30 || c > 0x39) break;
        value = value * 10 + (c - 0x30);
        i += 1;
      }
      if (i === n) {
        this.inNumber = true;
        break;
      }
      // store(), inlined: this is the hot loop of the columns modes.
      const target = targets[field];
      if (target !== undefined) {
        if (position >= count) throw new LoadError(`the ${name} array holds more ${name} than the header says`);
        target[position] = value;
      }
      if (field + 1 === fields) {
        field = 0;
        position += 1;
      } else field += 1;
    }
    this.value = value;
    this.position = position;
    this.field = field;
    return n;
  }

  /** Skips an array we do not use (numbers and nested arrays only), jumping from bracket to bracket. */
  private skipArray(chunk: Buffer, from: number, section: { depth: number }): number {
    let i = from;
    let open = -2;
    let close = -2;
    for (;;) {
      if (open !== -1 && open < i) open = chunk.indexOf(0x5b, i);
      if (close !== -1 && close < i) close = chunk.indexOf(0x5d, i);
      if (open !== -1 && (close === -1 || open < close)) {
        section.depth += 1;
        i = open + 1;
      } else if (close !== -1) {
        section.depth -= 1;
        i = close + 1;
        if (section.depth === 0) {
          this.section = { kind: 'between' };
          return i;
        }
      } else {
        return chunk.length;
      }
    }
  }
}
