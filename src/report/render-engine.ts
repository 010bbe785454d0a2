import type { Colors } from 'picocolors/types.js';
import { formatBytes, formatDelta } from '../core/bytes.js';
import type { ClassDelta, SnapshotDiff, SnapshotSummary } from '../engine/index.js';
import type { Culprit } from '../engine/culprits.js';
import { shortenPath } from '../engine/paths.js';

const count = (n: number) => n.toLocaleString('en-US');

/** A culprit and its grouped retainer paths, indented by `indent`. */
export function renderCulprit(culprit: Culprit, rank: number, c: Colors, indent = '  '): string[] {
  const lines = [
    `${indent}${c.bold(`${rank}. ${culprit.name}`)}  ×${count(culprit.count)}  size ${formatBytes(culprit.size)}  retained ${c.red(formatBytes(culprit.retainedSize))}${culprit.heldIn ? `  held in ${culprit.heldIn}` : ''}`,
  ];
  for (const group of culprit.paths) {
    const times = group.count > 1 ? c.dim(`${group.count} × `) : '';
    lines.push(`${indent}   ${times}${shortenPath(group.path).join(c.dim(' › '))}`);
  }
  return lines;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`;
  return [line(header), ...rows.map(line)];
}

export function renderComparison(classes: readonly ClassDelta[], top: number): string[] {
  return table(
    ['class', '# new', '# deleted', '# delta', 'alloc size', 'freed size', 'size delta'],
    classes.slice(0, top).map((r) => [
      r.name.slice(0, 60),
      count(r.addedCount),
      count(r.removedCount),
      `${r.countDelta >= 0 ? '+' : ''}${count(r.countDelta)}`,
      formatBytes(r.addedSize),
      formatBytes(r.removedSize),
      formatDelta(r.sizeDelta),
    ]),
  );
}

/** `heaplens diff` as text. */
export function renderDiff(diff: SnapshotDiff, top: number, c: Colors): string[] {
  const lines = [
    `${c.dim('before')} ${count(diff.before.nodes)} nodes · ${c.dim('after')} ${count(diff.after.nodes)} nodes, ${count(diff.after.edges)} edges · ${count(diff.newObjects)} new objects, ${count(diff.newReachable)} still reachable`,
    '',
    c.bold('Culprits') + c.dim(' (classes of new objects still reachable, by the memory they keep alive)'),
  ];
  if (diff.culprits.length === 0) lines.push('  none: no new object is kept alive outside engine and runner internals');
  diff.culprits.slice(0, top).forEach((culprit, i) => lines.push(...renderCulprit(culprit, i + 1, c)));
  if (diff.internalRetained > 0) lines.push(c.dim(`  (${formatBytes(diff.internalRetained)} kept by engine and runner internals left out)`));
  lines.push('', c.bold('Comparison') + c.dim(' (by size delta)'), ...renderComparison(diff.classes, top));
  return lines;
}

/** `heaplens inspect` as text. */
export function renderSummary(summary: SnapshotSummary, top: number, c: Colors): string[] {
  return [
    `${count(summary.nodes)} nodes, ${count(summary.edges)} edges, ${formatBytes(summary.totalSize)} in all`,
    '',
    c.bold('Summary') + c.dim(' (by retained size)'),
    ...table(
      ['class', 'count', 'shallow size', 'retained size'],
      summary.classes.slice(0, top).map((r) => [r.name.slice(0, 60), count(r.count), formatBytes(r.shallowSize), formatBytes(r.retainedSize)]),
    ),
  ];
}
