import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { HeaplensConfigError } from './options.js';
import { ENVIRONMENTS_DIR, EXPLAIN_DIR, MARKER_FILE, RECORDS_DIR, REPORT_FILE, SNAPSHOTS_DIR, joinInside } from './paths.js';

/** The last run's output, moved aside by prepareOutDir until it is deleted: `<outDir>/.heaplens-trash-XXXXXX`. */
export const TRASH_PREFIX = '.heaplens-trash-';

/**
 * Makes outDir ready for a new run: the last run's records, snapshots and
 * report are removed, so the report never mixes two runs. Only a directory
 * heaplens created (it holds a marker file) or an empty one is touched;
 * anything else is a configuration mistake and is refused (thrown at once).
 *
 * The old output is only renamed here (one rename per folder, whatever it
 * holds), and deleted in the background: this runs when a run starts, before
 * any test file, and deleting the 1.4 GB a `--keep-snapshots all` run of the
 * bench leaves took 0.33 s (records alone 10-45 ms on the Jest bench). The
 * returned promise settles once the moved output, and any left by a run that
 * ended before its deletion did, is gone; it rejects when it cannot be
 * deleted. The reporters await it at the end of the run.
 */
export function prepareOutDir(outDir: string): Promise<void> {
  assertOutDirUsable(outDir);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(joinInside(outDir, MARKER_FILE), 'heaplens output: replaced on every run\n');
  let trash: string | null = null;
  for (const name of [RECORDS_DIR, ENVIRONMENTS_DIR, SNAPSHOTS_DIR, EXPLAIN_DIR, REPORT_FILE]) {
    const path = joinInside(outDir, name);
    if (!existsSync(path)) continue;
    trash ??= mkdtempSync(joinInside(outDir, TRASH_PREFIX));
    try {
      renameSync(path, joinInside(trash, name));
    } catch {
      // Renaming inside one directory only fails where a file is held open (Windows): delete it now instead.
      rmSync(path, { recursive: true, force: true });
    }
  }
  mkdirSync(joinInside(outDir, RECORDS_DIR), { recursive: true });
  const stale = readdirSync(outDir).filter((name) => name.startsWith(TRASH_PREFIX));
  return Promise.all(stale.map((name) => rm(joinInside(outDir, name), { recursive: true, force: true, maxRetries: 2 }))).then(
    () => undefined,
  );
}

/** Throws a HeaplensConfigError when outDir is a file or holds files heaplens did not write; changes nothing. */
export function assertOutDirUsable(outDir: string): void {
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) {
      throw new HeaplensConfigError(`heaplens: outDir ${outDir} is a file, not a directory; point outDir at a directory (default .heaplens).`);
    }
    const entries = readdirSync(outDir);
    if (entries.length > 0 && !entries.includes(MARKER_FILE)) {
      throw new HeaplensConfigError(
        `heaplens: outDir ${outDir} already holds files heaplens did not write; ` +
          'point outDir at a new or empty directory (default .heaplens) or empty this one.',
      );
    }
  }
}
