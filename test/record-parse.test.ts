import { describe, expect, it } from 'vitest';
import { parseRecord } from '../src/core/record.js';

const valid = {
  kind: 'heaplens-scope',
  version: 2,
  runner: { name: 'vitest', version: '4.1.12' },
  file: 'test/a.test.ts',
  suite: 'A',
  ordinal: 0,
  worker: { threadId: 1, pid: 10, workerId: null },
  state: 'done',
  before: null,
  after: null,
  snapshots: { status: 'off' },
  error: null,
  startedAt: 1,
  endedAt: 2,
};

describe('parseRecord', () => {
  it('explains invalid JSON', () => {
    expect(parseRecord('{"kind": "heaplens-sc')).toEqual({ invalid: 'not valid JSON (a worker was killed while writing it?)' });
    expect(parseRecord('')).toEqual({ invalid: 'not valid JSON (a worker was killed while writing it?)' });
  });

  it('rejects other kinds of JSON', () => {
    expect(parseRecord(JSON.stringify({ ...valid, kind: 'other' }))).toEqual({ invalid: 'not a heaplens scope record' });
    expect(parseRecord('null')).toEqual({ invalid: 'not a heaplens scope record' });
    expect(parseRecord('[1]')).toEqual({ invalid: 'not a heaplens scope record' });
    expect(parseRecord('"heaplens-scope"')).toEqual({ invalid: 'not a heaplens scope record' });
  });

  it('rejects other versions', () => {
    expect(parseRecord(JSON.stringify({ ...valid, version: 1 }))).toEqual({ invalid: 'record version 1 is not supported' });
    const { version: _v, ...noVersion } = valid;
    expect(parseRecord(JSON.stringify(noVersion))).toEqual({ invalid: 'record version undefined is not supported' });
  });

  it.each(['file', 'suite', 'worker'] as const)('rejects a record without %s', (field) => {
    const { [field]: _drop, ...rest } = valid;
    expect(parseRecord(JSON.stringify(rest))).toEqual({ invalid: 'record is missing file, suite or worker' });
  });

  it('rejects a worker that is not an object', () => {
    expect(parseRecord(JSON.stringify({ ...valid, worker: 3 }))).toEqual({ invalid: 'record is missing file, suite or worker' });
  });

  it('returns a valid record unchanged', () => {
    expect(parseRecord(JSON.stringify(valid))).toEqual(valid);
  });
});
