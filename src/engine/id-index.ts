/**
 * Node id → ordinal, as an open-addressing hash table over two typed arrays
 * (no Map, no object per entry). Ids are never 0 in V8 snapshots except the
 * root's… which is 1; 0 marks an empty slot.
 */
export class IdIndex {
  private readonly keys: Uint32Array;
  private readonly values: Uint32Array;
  private readonly mask: number;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.keys = new Uint32Array(size);
    this.values = new Uint32Array(size);
    this.mask = size - 1;
  }

  private slot(id: number): number {
    return Math.imul(id, 0x9e3779b1) >>> 0 & this.mask;
  }

  set(id: number, ordinal: number): void {
    const key = id + 1; // ids may be 0 in hand-made snapshots
    let i = this.slot(key);
    while (this.keys[i] !== 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.values[i] = ordinal;
  }

  /** The ordinal of `id`, or -1. */
  get(id: number): number {
    const key = id + 1;
    let i = this.slot(key);
    for (;;) {
      const k = this.keys[i]!;
      if (k === key) return this.values[i]!;
      if (k === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }
}
