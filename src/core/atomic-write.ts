import { rename, writeFile, unlink } from 'node:fs/promises';
import { renameSync, writeFileSync, unlinkSync } from 'node:fs';

/** Temp name beside the target, so the final rename stays on one file system. */
function tempPath(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

/** Writes a file so readers see the old content or the whole new one, never half. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = tempPath(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Synchronous twin, for exit paths where no event loop turn is left. */
export function writeFileAtomicSync(path: string, data: string): void {
  const temp = tempPath(path);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // the temp file was never created
    }
    throw error;
  }
}
