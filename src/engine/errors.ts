/** A heap snapshot that cannot be read: names the file and what is wrong with it. */
export class HeapSnapshotError extends Error {
  static {
    HeapSnapshotError.prototype.name = 'HeapSnapshotError';
  }

  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }

  /** Printed by runners and the CLI as this one line. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.message;
  }
}
