/**
 * Node id → ordinal without an object per entry. V8 hands heap-object ids out
 * from one counter in steps of two, so almost every id is below a few times
 * the node count: those go into a direct table indexed by id. The few others
 * (Node's embedder nodes get ids from a separate, very high range) go into a
 * Map. `get` returns -1 for unknown ids.
 */
export class IdIndex {
  private readonly direct: Int32Array;
  private readonly others = new Map<number, number>();

  constructor(ids: Uint32Array) {
    this.direct = new Int32Array(ids.length * 3 + 1024).fill(-1);
    const limit = this.direct.length;
    for (let o = 0; o < ids.length; o += 1) {
      const id = ids[o]!;
      if (id < limit) this.direct[id] = o;
      else this.others.set(id, o);
    }
  }

  /** The ordinal of `id`, or -1. */
  get(id: number): number {
    return id < this.direct.length ? this.direct[id]! : this.others.get(id) ?? -1;
  }
}
