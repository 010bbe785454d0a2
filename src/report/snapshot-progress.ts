/**
 * Progress lines for heap snapshots that take long. A worker writing a
 * snapshot is blocked (V8 serialises the heap in one go), so it cannot say
 * anything itself; it leaves a `.writing` marker beside the file
 * (snapshot-writer.ts), and the reporter, in the main process, looks at the
 * markers and at how far each file has grown. Lines, not an in-place status:
 * Vitest's and Jest's own terminal renderers redraw around whole lines.
 */
import { readFile, stat } from 'node:fs/promises';
import fg from 'fast-glob';
import { formatBytes } from '../core/bytes.js';
import { joinInside, SNAPSHOTS_DIR } from '../core/paths.js';
import { WRITING_SUFFIX, type WritingMarker } from '../core/snapshot-writer.js';
import { formatWorker } from './render-terminal.js';

export interface Writing {
  readonly marker: WritingMarker;
  /** Bytes of the snapshot file written so far. */
  readonly bytesSoFar: number;
}

/** How often to look, and after how long a snapshot gets a line: often on a terminal, rarely in a CI log. */
export const TTY_PACE = { intervalMs: 5_000, minSeconds: 3 } as const;
export const LOG_PACE = { intervalMs: 30_000, minSeconds: 30 } as const;

/** One line per snapshot written for at least `minSeconds` (pure). */
export function progressLines(writing: readonly Writing[], now: number, minSeconds: number, budgetSeconds: number): string[] {
  const lines: string[] = [];
  for (const { marker, bytesSoFar } of writing) {
    const seconds = Math.round((now - marker.startedAt) / 1000);
    if (seconds < minSeconds) continue;
    const over = seconds > budgetSeconds ? `, over snapshotTimeBudget ${budgetSeconds} s (V8 cannot stop it: the worker waits)` : '';
    lines.push(
      `heaplens: writing a heap snapshot of ${marker.what} (${formatBytes(marker.usedHeap)} heap, ${formatWorker(marker.worker)}): ` +
        `${formatBytes(bytesSoFar)} written in ${seconds} s, about ${Math.max(1, Math.round(marker.estimatedSeconds))} s expected${over}`,
    );
  }
  return lines;
}

/** Snapshots being written now under outDir, with their size so far. */
export async function readWriting(outDir: string): Promise<Writing[]> {
  const markers = await fg(`${SNAPSHOTS_DIR}/*${WRITING_SUFFIX}`, { cwd: outDir, onlyFiles: true });
  const found: Writing[] = [];
  for (const path of markers) {
    try {
      const marker = JSON.parse(await readFile(joinInside(outDir, path), 'utf8')) as WritingMarker;
      const bytesSoFar = await stat(joinInside(outDir, marker.file)).then((s) => s.size, () => 0);
      found.push({ marker, bytesSoFar });
    } catch {
      // Removed (the snapshot is done) or half-written between our two reads: nothing to say.
    }
  }
  return found;
}

/** Prints progressLines every `pace.intervalMs` until stopped; never keeps the process alive. */
export class SnapshotProgress {
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy = false;

  constructor(
    private readonly outDir: string,
    private readonly print: (line: string) => void,
    private readonly pace: { readonly intervalMs: number; readonly minSeconds: number },
    private readonly budgetSeconds: number,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), this.pace.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look (exposed for tests); errors reading the folder are not the run's problem. */
  async tick(now = Date.now()): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const line of progressLines(await readWriting(this.outDir), now, this.pace.minSeconds, this.budgetSeconds)) this.print(line);
    } catch {
      // The folder is being replaced (a new run) or is gone.
    } finally {
      this.busy = false;
    }
  }
}
