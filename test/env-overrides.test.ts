import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOverrides, readSnapshotScopes } from '../src/core/env.js';
import { HeaplensConfigError } from '../src/core/options.js';
import { snapshotsFor } from '../src/core/scope-tracker.js';
import { scratchFiles } from './support/files.js';

describe('readOverrides', () => {
  it('is empty when nothing is set', () => {
    expect(readOverrides({}, ['node', 'vitest'])).toEqual({});
  });

  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['0', false],
    ['false', false],
    ['False', false],
    ['off', false],
    ['no', false],
  ])('reads HEAPLENS_SNAPSHOTS=%s as %s', (value, expected) => {
    expect(readOverrides({ HEAPLENS_SNAPSHOTS: value }, [])).toEqual({ snapshots: expected });
  });

  it('passes HEAPLENS_KEEP_SNAPSHOTS through, trimmed, for resolveOptions to check', () => {
    expect(readOverrides({ HEAPLENS_KEEP_SNAPSHOTS: ' all ' }, [])).toEqual({ keepSnapshots: 'all' });
    expect(readOverrides({ HEAPLENS_KEEP_SNAPSHOTS: '' }, [])).toEqual({});
  });

  it('reads the repeat pass from HEAPLENS_REPEAT and from -- --heap-repeat', () => {
    expect(readOverrides({ HEAPLENS_REPEAT: '1' }, [])).toEqual({ repeat: true });
    expect(readOverrides({ HEAPLENS_REPEAT: 'off' }, [])).toEqual({ repeat: false });
    expect(readOverrides({}, ['node', 'vitest', '--', '--heap-repeat'])).toEqual({ repeat: true });
  });

  it('ignores an empty HEAPLENS_SNAPSHOTS', () => {
    expect(readOverrides({ HEAPLENS_SNAPSHOTS: '' }, [])).toEqual({});
  });

  it('counts --heap-snapshots only after --', () => {
    expect(readOverrides({}, ['node', 'vitest', '--', '--heap-snapshots'])).toEqual({ snapshots: true });
    expect(readOverrides({}, ['node', 'vitest', '--heap-snapshots'])).toEqual({});
    expect(readOverrides({}, ['node', '--heap-snapshots', '--', 'other'])).toEqual({});
  });

  it('lets --heap-snapshots win over HEAPLENS_SNAPSHOTS=0', () => {
    expect(readOverrides({ HEAPLENS_SNAPSHOTS: '0' }, ['--', '--heap-snapshots'])).toEqual({ snapshots: true });
  });

  it('reads HEAPLENS_FAIL_ON_LEAK and --fail-on-leak after --', () => {
    expect(readOverrides({ HEAPLENS_FAIL_ON_LEAK: '1' }, [])).toEqual({ failOnLeak: true });
    expect(readOverrides({ HEAPLENS_FAIL_ON_LEAK: 'false' }, [])).toEqual({ failOnLeak: false });
    expect(readOverrides({}, ['--', '--fail-on-leak'])).toEqual({ failOnLeak: true });
    expect(readOverrides({}, ['--fail-on-leak'])).toEqual({});
  });

  it('reads HEAPLENS_OUT_DIR unless empty', () => {
    expect(readOverrides({ HEAPLENS_OUT_DIR: 'out/heap' }, [])).toEqual({ outDir: 'out/heap' });
    expect(readOverrides({ HEAPLENS_OUT_DIR: '' }, [])).toEqual({});
  });

  it('combines all three', () => {
    expect(
      readOverrides({ HEAPLENS_SNAPSHOTS: '1', HEAPLENS_FAIL_ON_LEAK: '1', HEAPLENS_OUT_DIR: '/tmp/h' }, []),
    ).toEqual({ snapshots: true, failOnLeak: true, outDir: '/tmp/h' });
  });
});

describe('readOverrides with blank values', () => {
  it('treats a blank variable like an unset one', () => {
    expect(readOverrides({ HEAPLENS_SNAPSHOTS: '  ', HEAPLENS_FAIL_ON_LEAK: ' ' }, [])).toEqual({});
  });
});

describe('HEAPLENS_SNAPSHOT_SCOPES', () => {
  const { dir, file } = scratchFiles('heaplens-scopes-');

  it('reads the [file, suite] pairs the CLI writes, into the overrides', () => {
    const path = file('scopes.json', JSON.stringify([['test/a.test.ts', 'cache > grows'], ['test/b.test.ts', '']]));
    expect(readOverrides({ HEAPLENS_SNAPSHOT_SCOPES: path }, []).snapshotScopes).toEqual([['test/a.test.ts', 'cache > grows'], ['test/b.test.ts', '']]);
    expect(readSnapshotScopes({})).toBeNull();
  });

  it('names the file and the variable on one line when the file is missing or holds something else', () => {
    expect(() => readSnapshotScopes({ HEAPLENS_SNAPSHOT_SCOPES: join(dir, 'missing.json') })).toThrow(/^heaplens: cannot read .*missing\.json \(HEAPLENS_SNAPSHOT_SCOPES\): .*; unset HEAPLENS_SNAPSHOT_SCOPES to do without it\.$/);
    const bad = file('bad.json', JSON.stringify(['test/a.test.ts']));
    expect(() => readSnapshotScopes({ HEAPLENS_SNAPSHOT_SCOPES: bad })).toThrow(HeaplensConfigError);
    expect(() => readSnapshotScopes({ HEAPLENS_SNAPSHOT_SCOPES: bad })).toThrow(/must hold a JSON list of \[file, suite\] pairs; unset HEAPLENS_SNAPSHOT_SCOPES to snapshot every scope\.$/);
  });
});

describe('snapshotsFor', () => {
  const key = { file: 'test/a.test.ts', suite: 'cache' };
  it('is every scope with snapshots on and no list, only the listed ones with a list, none with snapshots off', () => {
    expect(snapshotsFor({ snapshots: true, snapshotScopes: null }, key)).toBe(true);
    expect(snapshotsFor({ snapshots: true, snapshotScopes: [['test/a.test.ts', 'cache']] }, key)).toBe(true);
    expect(snapshotsFor({ snapshots: true, snapshotScopes: [['test/a.test.ts', 'other'], ['test/b.test.ts', 'cache']] }, key)).toBe(false);
    expect(snapshotsFor({ snapshots: false, snapshotScopes: [['test/a.test.ts', 'cache']] }, key)).toBe(false);
  });
});
