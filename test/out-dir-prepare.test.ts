import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeaplensConfigError } from '../src/core/options.js';
import { prepareOutDir } from '../src/core/out-dir.js';

let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heaplens-out-dir-'));
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('prepareOutDir', () => {
  it('creates the directory, the marker and records/', () => {
    const out = join(tmp, 'deep', '.heaplens');
    prepareOutDir(out);
    expect(readdirSync(out).sort()).toEqual(['.heaplens-output', 'records']);
    expect(readFileSync(join(out, '.heaplens-output'), 'utf8')).toBe('heaplens output: replaced on every run\n');
    expect(readdirSync(join(out, 'records'))).toEqual([]);
  });

  it('accepts an existing empty directory', () => {
    prepareOutDir(tmp);
    expect(readdirSync(tmp).sort()).toEqual(['.heaplens-output', 'records']);
  });

  it("removes the previous run's records, snapshots and report", () => {
    prepareOutDir(tmp);
    writeFileSync(join(tmp, 'records', 'old.json'), '{}');
    mkdirSync(join(tmp, 'snapshots'));
    writeFileSync(join(tmp, 'snapshots', 'old__after.heapsnapshot'), 'x');
    writeFileSync(join(tmp, 'report.json'), '{}');

    prepareOutDir(tmp);

    expect(readdirSync(tmp).sort()).toEqual(['.heaplens-output', 'records']);
    expect(readdirSync(join(tmp, 'records'))).toEqual([]);
  });

  it('leaves unrelated files in a marked directory alone', () => {
    prepareOutDir(tmp);
    writeFileSync(join(tmp, 'notes.txt'), 'keep me');
    prepareOutDir(tmp);
    expect(readFileSync(join(tmp, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a non-empty directory without the marker and touches nothing', () => {
    writeFileSync(join(tmp, 'report.json'), 'mine');
    expect(() => prepareOutDir(tmp)).toThrow(HeaplensConfigError);
    expect(() => prepareOutDir(tmp)).toThrow(/already holds files heaplens did not write/);
    expect(readdirSync(tmp)).toEqual(['report.json']);
    expect(existsSync(join(tmp, 'records'))).toBe(false);
  });
});

describe('prepareOutDir on a file', () => {
  it('refuses a path that is a regular file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heaplens-file-'));
    const file = join(dir, 'out');
    writeFileSync(file, 'x');
    try {
      expect(() => prepareOutDir(file)).toThrow(HeaplensConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
