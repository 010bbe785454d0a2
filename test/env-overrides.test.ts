import { describe, expect, it } from 'vitest';
import { readOverrides } from '../src/core/env.js';

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
