import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { HeaplensConfigError } from './options.js';
import { ENVIRONMENTS_DIR, EXPLAIN_DIR, MARKER_FILE, RECORDS_DIR, REPORT_FILE, SNAPSHOTS_DIR, joinInside } from './paths.js';

/**
 * Makes outDir ready for a new run: the last run's records, snapshots and
 * report are removed, so the report never mixes two runs. Only a directory
 * heaplens created (it holds a marker file) or an empty one is touched;
 * anything else is a configuration mistake and is refused.
 */
export function prepareOutDir(outDir: string): void {
  assertOutDirUsable(outDir);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(joinInside(outDir, MARKER_FILE), 'heaplens output: replaced on every run\n');
  for (const name of [RECORDS_DIR, ENVIRONMENTS_DIR, SNAPSHOTS_DIR, EXPLAIN_DIR, REPORT_FILE]) {
    rmSync(joinInside(outDir, name), { recursive: true, force: true });
  }
  mkdirSync(joinInside(outDir, RECORDS_DIR), { recursive: true });
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
