import { closeSync, openSync, readSync } from 'node:fs';

/** The first `bytes` bytes of a file as text (a snapshot's header, without reading the whole file). */
export function head(path: string, bytes = 64): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
