import { join, relative, resolve, sep, isAbsolute } from 'node:path';

export const RECORDS_DIR = 'records';
export const SNAPSHOTS_DIR = 'snapshots';
export const ENVIRONMENTS_DIR = 'environments';
export const REPORT_FILE = 'report.json';
/** The CLI's re-run with snapshots writes here, inside outDir, until its snapshots are moved into outDir's own. */
export const EXPLAIN_DIR = 'explain';
/** Marks a directory as heaplens output, so a new run may replace what is in it. */
export const MARKER_FILE = '.heaplens-output';

/** Joins under `root` and refuses anything that would land outside it. */
export function joinInside(root: string, ...parts: string[]): string {
  const target = resolve(root, ...parts);
  const rel = relative(resolve(root), target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`heaplens: refusing to write outside ${root}: ${join(...parts)}`);
  }
  return target;
}

/** A path relative to `from`, with `/` separators on every platform. */
export function toPosixRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}
