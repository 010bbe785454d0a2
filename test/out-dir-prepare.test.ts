import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeaplensConfigError } from '../src/core/options.js';
import { prepareOutDir, TRASH_PREFIX } from '../src/core/out-dir.js';

let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heaplens-out-dir-'));
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('prepareOutDir', () => {
  it('creates the directory, the marker and records/', async () => {
    const out = join(tmp, 'deep', '.heaplens');
    await prepareOutDir(out);
    expect(readdirSync(out).sort()).toEqual(['.heaplens-output', 'records']);
    expect(readFileSync(join(out, '.heaplens-output'), 'utf8')).toBe('heaplens output: replaced on every run\n');
    expect(readdirSync(join(out, 'records'))).toEqual([]);
  });

  it('accepts an existing empty directory', async () => {
    await prepareOutDir(tmp);
    expect(readdirSync(tmp).sort()).toEqual(['.heaplens-output', 'records']);
  });

  it("removes the previous run's records, snapshots and report", async () => {
    await prepareOutDir(tmp);
    writeFileSync(join(tmp, 'records', 'old.json'), '{}');
    mkdirSync(join(tmp, 'snapshots'));
    writeFileSync(join(tmp, 'snapshots', 'old__after.heapsnapshot'), 'x');
    writeFileSync(join(tmp, 'report.json'), '{}');

    await prepareOutDir(tmp);

    expect(readdirSync(tmp).sort()).toEqual(['.heaplens-output', 'records']);
    expect(readdirSync(join(tmp, 'records'))).toEqual([]);
  });

  it("moves the previous run's output out of the way at once and deletes it in the background", async () => {
    await prepareOutDir(tmp);
    writeFileSync(join(tmp, 'records', 'old.json'), '{}');
    mkdirSync(join(tmp, 'snapshots'));
    writeFileSync(join(tmp, 'snapshots', 'old__after.heapsnapshot'), 'x');

    const cleared = prepareOutDir(tmp);
    // Before the deletion settles, the new run already sees an empty records/ and no snapshots/.
    expect(readdirSync(join(tmp, 'records'))).toEqual([]);
    expect(existsSync(join(tmp, 'snapshots'))).toBe(false);
    const trash = readdirSync(tmp).filter((name) => name.startsWith(TRASH_PREFIX));
    expect(trash).toHaveLength(1);
    expect(readdirSync(join(tmp, trash[0]!)).sort()).toEqual(['records', 'snapshots']);

    await cleared;
    expect(readdirSync(tmp).sort()).toEqual(['.heaplens-output', 'records']);
  });

  it('deletes the output a run left moved aside when it ended before the deletion did', async () => {
    await prepareOutDir(tmp);
    const left = join(tmp, `${TRASH_PREFIX}abc123`);
    mkdirSync(join(left, 'snapshots'), { recursive: true });
    writeFileSync(join(left, 'snapshots', 'old__before.heapsnapshot'), 'x');

    await prepareOutDir(tmp);

    expect(readdirSync(tmp).sort()).toEqual(['.heaplens-output', 'records']);
  });

  it('leaves unrelated files in a marked directory alone', async () => {
    await prepareOutDir(tmp);
    writeFileSync(join(tmp, 'notes.txt'), 'keep me');
    await prepareOutDir(tmp);
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
