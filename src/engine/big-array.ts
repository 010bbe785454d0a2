/**
 * A Uint32Array that may be larger than one allocation allows: split into
 * chunks of `chunkLength` elements (a power of two). The first chunk is read
 * on a fast path, so the common single-chunk case costs one comparison.
 */
export class BigUint32Array {
  /** Elements per chunk; Node caps one typed array at 2^32 bytes, we stay at 1 GiB. */
  static readonly DEFAULT_CHUNK_LENGTH = 2 ** 28;

  readonly chunks: Uint32Array[];
  private readonly first: Uint32Array;
  private readonly firstLength: number;
  private readonly shift: number;
  private readonly mask: number;

  constructor(
    readonly length: number,
    chunkLength: number = BigUint32Array.DEFAULT_CHUNK_LENGTH,
  ) {
    if (!Number.isInteger(Math.log2(chunkLength))) throw new RangeError('chunkLength must be a power of two');
    this.shift = Math.log2(chunkLength);
    this.mask = chunkLength - 1;
    this.chunks = [];
    for (let start = 0; start < length || this.chunks.length === 0; start += chunkLength) {
      const size = Math.min(chunkLength, length - start);
      this.chunks.push(new Uint32Array(size));
    }
    this.first = this.chunks[0]!;
    this.firstLength = this.first.length;
  }

  /** Every `stride`-th element from `offset`: one field of all records, as a plain typed array. */
  column(offset: number, stride: number): Uint32Array {
    const out = new Uint32Array(Math.floor(this.length / stride));
    if (this.chunks.length === 1) {
      const only = this.first;
      for (let i = 0, j = offset; i < out.length; i += 1, j += stride) out[i] = only[j]!;
      return out;
    }
    for (let i = 0, j = offset; i < out.length; i += 1, j += stride) out[i] = this.get(j);
    return out;
  }

  get(index: number): number {
    return index < this.firstLength ? this.first[index]! : this.chunks[index >>> this.shift]![index & this.mask]!;
  }

  set(index: number, value: number): void {
    if (index < this.firstLength) this.first[index] = value;
    else this.chunks[index >>> this.shift]![index & this.mask] = value;
  }
}
