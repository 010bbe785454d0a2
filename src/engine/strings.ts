/**
 * The snapshot's string table, kept as the raw JSON bytes of the `strings`
 * array plus the start and end offset of each string's content. A string is
 * decoded only when asked for (class names, property names on a path), and
 * decoded strings are cached by index.
 */
export class StringTable {
  private readonly cache: Array<string | undefined>;

  constructor(
    private readonly bytes: Buffer,
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    readonly length: number,
  ) {
    this.cache = new Array<string | undefined>(length);
  }

  /** Indexes of the strings whose raw bytes contain `needle` (found with native Buffer search). */
  indexesContaining(needle: Buffer): number[] {
    const found: number[] = [];
    let at = this.bytes.indexOf(needle);
    while (at !== -1) {
      // The string whose content range holds `at`: binary search on starts.
      let lo = 0;
      let hi = this.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (this.starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      if (this.length > 0 && this.starts[lo]! <= at && at < this.ends[lo]! && found.at(-1) !== lo) found.push(lo);
      at = this.bytes.indexOf(needle, at + needle.length);
    }
    return found;
  }

  /** The indexes of the strings equal to `text` (a snapshot may hold one string more than once). */
  indexesOf(text: string): number[] {
    return this.indexesContaining(Buffer.from(text)).filter((index) => this.get(index) === text);
  }

  get(index: number): string {
    const cached = this.cache[index];
    if (cached !== undefined) return cached;
    if (index < 0 || index >= this.length) return '';
    const start = this.starts[index]!;
    const end = this.ends[index]!;
    const raw = this.bytes.subarray(start, end);
    // JSON escapes are rare (quotes, backslashes, control characters): decode
    // plain UTF-8 directly and let JSON.parse handle the rest.
    const text = raw.indexOf(0x5c) === -1 ? raw.toString('utf8') : (JSON.parse(this.bytes.toString('utf8', start - 1, end + 1)) as string);
    this.cache[index] = text;
    return text;
  }
}

/**
 * Finds the strings in the bytes of a JSON array of strings that starts right
 * after its `[`. Returns null when the array is not closed (a truncated file).
 * Uses Buffer.indexOf (native) to jump from quote to quote.
 */
export function indexStrings(bytes: Buffer, expected: number): { table: StringTable; end: number } | null {
  let starts = new Uint32Array(Math.max(16, expected));
  let ends = new Uint32Array(starts.length);
  let count = 0;
  let i = 0;
  const length = bytes.length;
  for (;;) {
    // Outside a string: skip separators up to the next quote or the closing bracket.
    while (i < length) {
      const c = bytes[i]!;
      if (c === 0x22 || c === 0x5d) break;
      i += 1;
    }
    if (i >= length) return null;
    if (bytes[i] === 0x5d) break;
    const start = i + 1;
    let quote = bytes.indexOf(0x22, start);
    for (;;) {
      if (quote === -1) return null;
      let slashes = 0;
      for (let j = quote - 1; j >= start && bytes[j] === 0x5c; j -= 1) slashes += 1;
      if (slashes % 2 === 0) break;
      quote = bytes.indexOf(0x22, quote + 1);
    }
    if (count === starts.length) {
      const grownStarts = new Uint32Array(count * 2);
      grownStarts.set(starts);
      starts = grownStarts;
      const grownEnds = new Uint32Array(count * 2);
      grownEnds.set(ends);
      ends = grownEnds;
    }
    starts[count] = start;
    ends[count] = quote;
    count += 1;
    i = quote + 1;
  }
  return { table: new StringTable(bytes, starts, ends, count), end: i };
}
