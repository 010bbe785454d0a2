/**
 * Holds the raw bytes of the strings section. Sized up front when the loader
 * knows how many bytes are left in the source (a file), else grows by doubling.
 */
export class ByteSink {
  private buffer: Buffer;
  length = 0;
  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(16, size));
  }
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
