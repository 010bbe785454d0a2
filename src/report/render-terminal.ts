import type { Colors } from 'picocolors/types.js';
import { formatBytes, formatDelta } from '../core/bytes.js';
import { SKIPPED_CLEAN } from '../core/record.js';
import type { WorkerIdentity } from '../core/naming.js';
import { shortenPath } from '../engine/paths.js';
import { NOT_RERUN } from './merge-explained.js';
import type { Report, ReportCulprit, ReportFile, ReportScope } from './schema.js';

/** Why an ok scope has no snapshots, when that is the rule rather than news: not printed. */
const QUIET_SKIPS = new Set([SKIPPED_CLEAN, NOT_RERUN]);

export interface RenderContext {
  readonly colors: Colors;
  /** How to show outDir paths: relative to the user's cwd. */
  readonly displayOutDir: string;
  /** At most this many snapshot files are listed one by one. */
  readonly maxFiles?: number;
}

const COLUMN_MAX = 48;

/** Makes control characters visible (`\0` -> `\x00`) so a title cannot garble the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Shortens from the middle so both the start and the end stay readable. */
export function truncateMiddle(text: string, max = COLUMN_MAX): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

export function formatWorker(worker: WorkerIdentity): string {
  const id = worker.workerId === null ? '' : ` w${worker.workerId}`;
  return `t${worker.threadId} p${worker.pid}${id}`;
}

function verdictLabel(scope: ReportScope, c: Colors): string {
  if (scope.verdict === 'leak') return c.red(c.bold('LEAK'));
  if (scope.verdict === 'inconclusive') return c.yellow('inconclusive');
  if (scope.verdict === 'one-time' || scope.verdict === 'bounded') return c.cyan(scope.verdict);
  return c.green('ok');
}

const BARS = '▁▂▃▄▅▆▇█';
/** Width of the per-test sparkline: longer series are summed into this many buckets. */
const SPARK_WIDTH = 24;

/** A small per-test chart of kept bytes: `▁▁▅▅▆▇█`, from zero to the largest value. */
export function sparkline(values: readonly number[], width = SPARK_WIDTH): string {
  if (values.length === 0) return '';
  const size = Math.ceil(values.length / width);
  const buckets: number[] = [];
  for (let i = 0; i < values.length; i += size) buckets.push(values.slice(i, i + size).reduce((a, b) => a + Math.max(0, b), 0));
  const max = Math.max(...buckets);
  if (max <= 0) return BARS[0]!.repeat(buckets.length);
  return buckets.map((v) => BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5))]).join('');
}

/** The line under a row: the reason of a flagged scope, the runner note of an ok one (null: no line). */
function explanation(scope: ReportScope): string | null {
  return scope.verdict === 'ok' ? scope.runnerNote : scope.reason;
}

/** Where a culprit is held, and the growing site it was allocated at: ", allocated at src/a.ts:5:3 in 19 tests". */
export function culpritOrigin(culprit: ReportCulprit): string {
  if (culprit.site !== null) return `, allocated at ${printable(culprit.site)} in ${culprit.tests ?? 0} tests`;
  return culprit.heldIn !== null ? `, held in ${printable(culprit.heldIn)}` : '';
}

/** The top culprits of a flagged scope, each with its most common retainer path. */
export function renderCulprits(culprits: readonly ReportCulprit[], indent: string, c: Colors, max = 3): string[] {
  const lines: string[] = [];
  // Culprits far smaller than the first are noise next to it (report.json keeps them).
  const floor = Math.max(64 * 1024, (culprits[0]?.retainedSize ?? 0) * 0.05);
  const shown = culprits.slice(0, max).filter((culprit, i) => i === 0 || culprit.retainedSize >= floor);
  shown.forEach((culprit, i) => {
    lines.push(
      `${indent}${c.bold(`${i + 1}. ${printable(culprit.name)}`)} ×${culprit.count.toLocaleString('en-US')}, retains ${c.red(formatBytes(culprit.retainedSize))}${culpritOrigin(culprit)}`,
    );
    const more = culprit.paths.length > 1 ? c.dim(`  (+${culprit.paths.length - 1} other path${culprit.paths.length > 2 ? 's' : ''})`) : '';
    if (culprit.path.length > 0) lines.push(`${indent}   ${shortenPath(culprit.path).map(printable).join(c.dim(' › '))}${more}`);
  });
  return lines;
}

/** Pads a string that may hold ANSI colour codes to a visible width. */
function pad(text: string, visible: number, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - visible));
  return right ? fill + text : text + fill;
}

function summaryLine(report: Report, c: Colors): string {
  const counts = { leak: 0, inconclusive: 0, 'one-time': 0, bounded: 0, ok: 0 };
  for (const scope of report.scopes) counts[scope.verdict] += 1;
  const parts = [
    counts.leak > 0 ? c.red(c.bold(`${counts.leak} leaked`)) : c.green('0 leaked'),
    ...(counts.inconclusive > 0 ? [c.yellow(`${counts.inconclusive} inconclusive`)] : []),
    ...(counts['one-time'] > 0 ? [c.cyan(`${counts['one-time']} one-time`)] : []),
    ...(counts.bounded > 0 ? [c.cyan(`${counts.bounded} bounded`)] : []),
    `${counts.ok} ok`,
  ];
  if (report.retainedEnvironments.length > 0) parts.push(c.red(c.bold(`${report.retainedEnvironments.length} retained environment${report.retainedEnvironments.length === 1 ? '' : 's'}`)));
  const settings = `threshold ${formatBytes(report.threshold)}, snapshots ${report.snapshots ? 'on' : 'off'}`;
  return `${c.bold(c.inverse(' HEAPLENS '))} ${report.scopes.length} tracked scope${report.scopes.length === 1 ? '' : 's'}: ${parts.join(', ')} ${c.dim(`(${settings})`)}`;
}

/**
 * The heap after a scope whose start was read without a GC (no heap delta, see ReportScope.heap): its end
 * was read after one, so that figure stands; the before and growth cells stay empty.
 */
function settledAfter(s: ReportScope): string {
  return s.memory ? formatBytes(s.memory.usedHeap.after + s.memory.external.after) : '-';
}

/** The scope table: flagged rows first (the report is already sorted so). */
export function renderScopeTable(report: Report, c: Colors): string[] {
  const header = ['verdict', 'file', 'suite', 'worker', 'before', 'after', 'growth', 'retained'];
  const rows = report.scopes.map((s) => {
    const plain = [
      s.verdict === 'leak' ? 'LEAK' : s.verdict,
      truncateMiddle(printable(s.file)),
      truncateMiddle(s.suite === '' ? '(whole file)' : printable(s.suite)),
      formatWorker(s.worker),
      s.heap ? formatBytes(s.heap.before) : '-',
      s.heap ? formatBytes(s.heap.after) : settledAfter(s),
      s.heap ? formatDelta(s.heap.growth) : '-',
      s.retained === null ? '-' : formatDelta(s.retained),
    ];
    return { scope: s, plain };
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r.plain[i]!.length)));
  const lines = [`  ${header.map((h, i) => pad(c.dim(h), h.length, widths[i]!, i >= 4)).join('  ')}`];
  for (const { scope, plain } of rows) {
    const cells = plain.map((text, i) => {
      const styled =
        i === 0 ? verdictLabel(scope, c) : i === 7 && scope.verdict === 'leak' ? c.red(text) : text;
      return pad(styled, text.length, widths[i]!, i >= 4);
    });
    lines.push(`  ${cells.join('  ')}`);
    const indent = `  ${' '.repeat(widths[0]!)}  `;
    const why = explanation(scope);
    if (why !== null) {
      const chart = scope.series.length >= 3 ? `  ${c.dim('per test')} ${scope.verdict === 'leak' ? c.red(sparkline(scope.series)) : sparkline(scope.series)}` : '';
      lines.push(`${indent}${c.dim(`↳ ${printable(why)}`)}${chart}`);
    }
    // An ok scope without an after snapshot is what keepSnapshots 'flagged' expects: not worth a line.
    if (scope.snapshotsSkipped && !(scope.verdict === 'ok' && QUIET_SKIPS.has(scope.snapshotsSkipped))) lines.push(`${indent}${c.dim(`↳ ${scope.snapshotsSkipped}`)}`);
    if (scope.analysisError) lines.push(`${indent}${c.yellow(`↳ snapshot analysis failed: ${scope.analysisError}`)}`);
    if (scope.verdict === 'leak') lines.push(...renderCulprits(scope.culprits, indent, c));
  }
  return lines;
}

/**
 * Snapshot files with sizes, the pairs of flagged scopes first (those are the
 * ones to open), capped at `maxFiles` lines; report.json lists them all.
 */
export function orderFilesForReading(report: Report): ReportFile[] {
  const rank = new Map<string, number>();
  report.scopes.forEach((scope, index) => {
    if (!scope.snapshots) return;
    rank.set(scope.snapshots.before, index * 2);
    rank.set(scope.snapshots.after, index * 2 + 1);
  });
  const last = Number.MAX_SAFE_INTEGER;
  return [...report.files].sort((a, b) => (rank.get(a.path) ?? last) - (rank.get(b.path) ?? last) || a.path.localeCompare(b.path));
}

/** `3 files, 118 MB in .heaplens`, or with deleted ones: `3 kept of 160 written (118 MB of 4.3 GB) in .heaplens; …`. */
export function snapshotFilesLine(files: Report['snapshotFiles'], outDir: string): string {
  const plural = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  if (files.written === files.kept) return `${plural(files.kept)}, ${formatBytes(files.keptBytes)} in ${outDir}`;
  return (
    `${files.kept} kept of ${plural(files.written)} written (${formatBytes(files.keptBytes)} of ${formatBytes(files.writtenBytes)}) in ${outDir}; ` +
    "the pairs of ok scopes were deleted (keepSnapshots: 'all' keeps them)"
  );
}

export function renderFiles(report: Report, ctx: RenderContext): string[] {
  const c = ctx.colors;
  const written = report.snapshotFiles;
  if (report.files.length === 0 && written.written === 0) return [];
  const max = ctx.maxFiles ?? 12;
  const shown = orderFilesForReading(report).slice(0, max);
  const lines = ['', `${c.bold('Snapshots')}: ${snapshotFilesLine(written, ctx.displayOutDir)}`];
  const { jobs, peakBytes } = report.analysis;
  if (jobs > 0) lines.push(c.dim(`Analysed in ${jobs} worker job${jobs === 1 ? '' : 's'}, one at a time; the largest used ${formatBytes(peakBytes)}`));
  const width = Math.max(0, ...shown.map((f) => f.path.length));
  for (const file of shown) lines.push(`  ${file.path.padEnd(width)}  ${formatBytes(file.bytes).padStart(9)}`);
  if (report.files.length > max) lines.push(c.dim(`  … and ${report.files.length - max} more (all listed in report.json)`));
  if (report.scopes.some((scope) => scope.snapshots)) {
    lines.push(
      c.dim(
        'Open a pair in Chrome DevTools: Memory › Load profile… (load the before, then the after file), ' +
          'select the after snapshot and switch the view to Comparison. ' +
          'A scope of 3 or more tests has its before snapshot taken after its first test: the comparison shows what the later tests added.',
      ),
    );
  }
  if (report.retainedEnvironments.some((env) => env.snapshot)) {
    lines.push(
      c.dim(
        'An …__environment__… snapshot holds a retained test environment: load it in Chrome DevTools › Memory, or ' +
          'run `heaplens inspect <file>`; its global object carries a `__heaplens_environment_probe_…` property.',
      ),
    );
  }
  return lines;
}

/** Test files whose environment outlived them, each with the path that holds it; first in the report. */
export function renderEnvironments(report: Report, c: Colors): string[] {
  const list = report.retainedEnvironments;
  if (list.length === 0) return [];
  const lines = [
    '',
    c.red(c.bold(`${list.length} test file${list.length === 1 ? '' : 's'} left ${list.length === 1 ? 'its' : 'their'} environment alive`)) +
      c.dim(' (its global object and everything the file loaded stay in the worker)'),
  ];
  for (const env of list) {
    const size = env.bytes === null ? '' : `  ${c.red(`keeps ${formatBytes(env.bytes)}`)}`;
    lines.push(`  ${c.red('✗')} ${printable(env.file)}${size}  ${c.dim(formatWorker(env.worker))}`);
    if (env.path.length > 0) lines.push(`    ${shortenPath(env.path).map(printable).join(c.dim(' › '))}`);
    if (env.note) lines.push(`    ${c.dim(`↳ ${env.note}`)}`);
  }
  return lines;
}

/** The whole end-of-run report, or an empty list when nothing was tracked. */
export function renderTerminal(report: Report, ctx: RenderContext): string[] {
  if (report.scopes.length === 0 && report.problems.length === 0 && report.retainedEnvironments.length === 0) return [];
  const c = ctx.colors;
  const table = report.scopes.length > 0 ? ['', ...renderScopeTable(report, c)] : [];
  const lines = ['', summaryLine(report, c), ...renderEnvironments(report, c), ...table, ...renderFiles(report, ctx)];
  for (const problem of report.problems) lines.push(c.yellow(`heaplens: ${problem}`));
  lines.push(c.dim(`Report: ${ctx.displayOutDir}/report.json`));
  return lines;
}
