import { readFile } from 'node:fs/promises';
import fg from 'fast-glob';
import { writeFileAtomic } from '../core/atomic-write.js';
import { joinInside, RECORDS_DIR, REPORT_FILE, SNAPSHOTS_DIR } from '../core/paths.js';
import { fileSlug } from '../core/naming.js';
import { parseRecord, type ScopeRecord } from '../core/record.js';
import type { Report, ReportFile } from './schema.js';

export interface RecordsOnDisk {
  readonly records: ScopeRecord[];
  readonly problems: string[];
}

/**
 * Reads the worker records under `<outDir>/records` (only those of one test
 * file, given its project-relative path); unreadable ones become problems.
 */
export async function readRecords(outDir: string, file?: string): Promise<RecordsOnDisk> {
  // Record names start with the file's slug (ASCII letters, digits, `._-`: nothing glob-special).
  const prefix = file === undefined ? '' : `${fileSlug(file)}__`;
  const paths = await fg(`${RECORDS_DIR}/${prefix}*.json`, { cwd: outDir, onlyFiles: true });
  const records: ScopeRecord[] = [];
  const problems: string[] = [];
  for (const path of paths.sort()) {
    const parsed = parseRecord(await readFile(joinInside(outDir, path), 'utf8'));
    if ('invalid' in parsed) problems.push(`skipped ${path}: ${parsed.invalid}`);
    else records.push(parsed);
  }
  return { records, problems };
}

/** Lists snapshot files under `<outDir>/snapshots` with their sizes. */
export async function listSnapshotFiles(outDir: string): Promise<ReportFile[]> {
  const entries = await fg(`${SNAPSHOTS_DIR}/**/*.heapsnapshot`, { cwd: outDir, stats: true, onlyFiles: true });
  return entries.map((e) => ({ path: e.path, bytes: e.stats?.size ?? 0 }));
}

/** Writes report.json atomically: readers see the previous report or the whole new one. */
export async function writeReport(outDir: string, report: Report): Promise<string> {
  const path = joinInside(outDir, REPORT_FILE);
  await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
