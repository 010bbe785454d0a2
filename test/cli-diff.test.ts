import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { output, runCli } from './support/projects.js';

// A real pair from a child Node: 2000 `Invoice` objects kept by `globalThis.ledger` between the snapshots.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heaplens-cli-diff-'));
  const script = `
    const v8 = require('node:v8');
    class Invoice { constructor(i) { this.id = i; this.lines = new Array(20).fill(i); } }
    globalThis.ledger = new Map();
    v8.writeHeapSnapshot(${JSON.stringify(join('DIR', 'before.heapsnapshot'))}.replace('DIR', process.argv[1]));
    for (let i = 0; i < 2000; i += 1) globalThis.ledger.set(i, new Invoice(i));
    v8.writeHeapSnapshot(${JSON.stringify(join('DIR', 'after.heapsnapshot'))}.replace('DIR', process.argv[1]));
  `;
  execFileSync(process.execPath, ['-e', script, dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('heaplens diff', () => {
  it('prints the leaked class first, with a retainer path through the holder', async () => {
    const result = await runCli('vitest-4', dir, ['diff', 'before.heapsnapshot', 'after.heapsnapshot', '--top', '3']);
    expect(result.code, output(result)).toBe(0);
    const lines = result.stdout.split('\n');
    const first = lines.findIndex((l) => /^\s+1\. /.test(l));
    expect(lines[first]).toMatch(/^ {2}1\. Invoice {2}×2,000 {2}size [\d.]+ KB {2}retained [\d.]+ KB$/);
    expect(lines[first + 1]).toMatch(/\(GC roots\) › global › ledger \(Map\) › table › .* › Invoice$/);
    expect(result.stdout).toMatch(/^ {2}Invoice +2,000 +0 +\+2,000 /m);
  });

  it('--json prints the SnapshotDiff', async () => {
    const result = await runCli('vitest-4', dir, ['diff', 'before.heapsnapshot', 'after.heapsnapshot', '--json']);
    expect(result.code, output(result)).toBe(0);
    const diff = JSON.parse(result.stdout);
    expect(diff.culprits[0]).toMatchObject({ name: 'Invoice', count: 2000 });
    expect(diff.classes.find((c: { name: string }) => c.name === 'Invoice')).toMatchObject({ addedCount: 2000, removedCount: 0 });
  });
});

describe('heaplens inspect', () => {
  it('prints the summary by class', async () => {
    const result = await runCli('vitest-4', dir, ['inspect', 'after.heapsnapshot', '--top', '50']);
    expect(result.code, output(result)).toBe(0);
    expect(result.stdout).toMatch(/^ {2}Invoice +2,000 +[\d.]+ KB +[\d.]+ KB$/m);
  });
});

describe('bad snapshot input', () => {
  const cases: Array<{ name: string; content: string | null; message: RegExp }> = [
    { name: 'empty.heapsnapshot', content: '', message: /empty\.heapsnapshot: empty file$/ },
    { name: 'text.heapsnapshot', content: 'hello, this is not json at all', message: /text\.heapsnapshot: not a heap snapshot/ },
    { name: 'json.heapsnapshot', content: '{"foo": [1, 2, 3], "bar": "baz", "more": true}', message: /json\.heapsnapshot: not a heap snapshot/ },
    { name: 'missing.heapsnapshot', content: null, message: /missing\.heapsnapshot: no such file$/ },
  ];
  it.each(cases)('$name: one line, exit 2', async ({ name, content, message }) => {
    if (content !== null) writeFileSync(join(dir, name), content);
    const result = await runCli('vitest-4', dir, ['inspect', name]);
    expect(result.code, output(result)).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^heaplens: /);
    expect(lines[0]).toMatch(message);
  });

  it('usage mistakes: one line, exit 2', async () => {
    const result = await runCli('vitest-4', dir, ['diff', 'before.heapsnapshot']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'heaplens: diff takes 2 snapshot files (got 1): heaplens diff <before.heapsnapshot> <after.heapsnapshot>',
    );
  });
});
