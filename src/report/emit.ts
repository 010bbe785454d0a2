import { readFile, rm, stat } from 'node:fs/promises';
import fg from 'fast-glob';
import { writeFileAtomic } from '../core/atomic-write.js';
import { ENVIRONMENTS_DIR, joinInside, RECORDS_DIR, REPORT_FILE, SNAPSHOTS_DIR } from '../core/paths.js';
import { parseEnvironmentRecord, type EnvironmentRecord } from '../core/environment-record.js';
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

/** Reads every environment record under `<outDir>/environments`; unreadable ones become problems. */
export async function readEnvironmentRecords(outDir: string): Promise<{ records: EnvironmentRecord[]; problems: string[] }> {
  const paths = await fg(`${ENVIRONMENTS_DIR}/*.json`, { cwd: outDir, onlyFiles: true });
  const records: EnvironmentRecord[] = [];
  const problems: string[] = [];
  for (const path of paths.sort()) {
    const parsed = await readEnvironmentRecord(outDir, path.slice(ENVIRONMENTS_DIR.length + 1));
    if (parsed && 'invalid' in parsed) problems.push(`skipped ${path}: ${parsed.invalid}`);
    else if (parsed) records.push(parsed);
  }
  return { records, problems };
}

/** One environment record by file name, or null when there is none (the file's environment was not heaplens'). */
export async function readEnvironmentRecord(outDir: string, name: string): Promise<EnvironmentRecord | { invalid: string } | null> {
  let text: string;
  try {
    text = await readFile(joinInside(outDir, ENVIRONMENTS_DIR, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseEnvironmentRecord(text);
}

/** Lists snapshot files under `<outDir>/snapshots` with their sizes. */
export async function listSnapshotFiles(outDir: string): Promise<ReportFile[]> {
  const entries = await fg(`${SNAPSHOTS_DIR}/**/*.heapsnapshot`, { cwd: outDir, stats: true, onlyFiles: true });
  return entries.map((e) => ({ path: e.path, bytes: e.stats?.size ?? 0 }));
}

/** Deletes a file and returns its size, or null when it was not there. */
export async function removeFile(path: string): Promise<number | null> {
  try {
    const { size } = await stat(path);
    await rm(path);
    return size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes report.json atomically: readers see the previous report or the whole new one. */
export async function writeReport(outDir: string, report: Report): Promise<string> {
  const path = joinInside(outDir, REPORT_FILE);
  await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

/** Tells the `heaplens` CLI (when it started this run, naming `target`) where the report is. */
export async function writeHandshake(target: string | undefined, outDir: string, report: Report, failure: string | null = null): Promise<void> {
  if (!target) return;
  const summary = {
    failure,
    reportPath: `${outDir}/report.json`,
    scopes: report.scopes.length,
    leaks: report.scopes.filter((s) => s.verdict === 'leak').length,
    retainedEnvironments: report.retainedEnvironments.length,
  };
  await writeFileAtomic(target, JSON.stringify(summary));
}
