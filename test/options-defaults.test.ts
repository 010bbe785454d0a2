import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/core/options.js';

const root = '/proj';

describe('resolveOptions defaults and overrides', () => {
  it('fills in every default', () => {
    expect(resolveOptions(undefined, root)).toEqual({
      enabled: true,
      root,
      outDir: '/proj/.heaplens',
      include: [],
      threshold: 1048576,
      snapshots: false,
      failOnLeak: false,
      snapshotMaxHeap: null,
      repeat: false,
      keepSnapshots: 'flagged',
      snapshotScopes: null,
      snapshotTimeBudget: 120,
    });
    expect(resolveOptions(null, root)).toEqual(resolveOptions({}, root));
  });

  it('parses sizes and keeps the given values', () => {
    const options = resolveOptions(
      { include: ['test/**/*.leak.ts'], threshold: '512kb', snapshotMaxHeap: '1GB', snapshots: true, failOnLeak: true, enabled: false },
      root,
    );
    expect(options).toMatchObject({
      include: ['test/**/*.leak.ts'],
      threshold: 524288,
      snapshotMaxHeap: 1073741824,
      snapshots: true,
      failOnLeak: true,
      enabled: false,
    });
  });

  it("keeps every snapshot with keepSnapshots: 'all', and lets HEAPLENS_KEEP_SNAPSHOTS win over the config", () => {
    expect(resolveOptions({ keepSnapshots: 'all' }, root).keepSnapshots).toBe('all');
    expect(resolveOptions({ keepSnapshots: 'all' }, root, { keepSnapshots: 'flagged' }).keepSnapshots).toBe('flagged');
    expect(resolveOptions({}, root, { keepSnapshots: 'all' }).keepSnapshots).toBe('all');
  });

  it('reads snapshotTimeBudget in seconds or minutes', () => {
    expect(resolveOptions({ snapshotTimeBudget: 30 }, root).snapshotTimeBudget).toBe(30);
    expect(resolveOptions({ snapshotTimeBudget: '90s' }, root).snapshotTimeBudget).toBe(90);
    expect(resolveOptions({ snapshotTimeBudget: '2m' }, root).snapshotTimeBudget).toBe(120);
    expect(resolveOptions({ snapshotTimeBudget: ' 1.5 min ' }, root).snapshotTimeBudget).toBe(90);
  });

  it('resolves a relative outDir against the root', () => {
    expect(resolveOptions({ outDir: 'out/heap' }, root).outDir).toBe('/proj/out/heap');
  });

  it('keeps an absolute outDir', () => {
    expect(resolveOptions({ outDir: '/var/tmp/heap' }, root).outDir).toBe('/var/tmp/heap');
  });

  it('lets overrides win over the config', () => {
    const options = resolveOptions(
      { snapshots: true, failOnLeak: false, outDir: 'from-config' },
      root,
      { snapshots: false, failOnLeak: true, outDir: 'from-env' },
    );
    expect(options.snapshots).toBe(false);
    expect(options.failOnLeak).toBe(true);
    expect(options.outDir).toBe('/proj/from-env');
  });

  it('keeps config values an override leaves out', () => {
    const options = resolveOptions({ snapshots: true, failOnLeak: true }, root, { outDir: 'x' });
    expect(options.snapshots).toBe(true);
    expect(options.failOnLeak).toBe(true);
  });
});
