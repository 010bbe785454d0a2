import { describe, expect, it } from 'vitest';
import { environmentRecordName, environmentSnapshotName, workerTag, type WorkerIdentity } from '../src/core/naming.js';

const worker: WorkerIdentity = { threadId: 0, pid: 4321, workerId: '3' };
/** sha256 of the file and project joined by NUL, first 8 hex digits (computed with node:crypto). */
const HASH_NO_PROJECT = 'bc4320f7';
const HASH_PROJECT_1 = 'ce03842b';

describe('workerTag', () => {
  it('is thread and pid without a worker id', () => {
    expect(workerTag({ threadId: 5, pid: 99, workerId: null })).toBe('t5-p99');
  });

  it("treats an empty worker id as none", () => {
    expect(workerTag({ threadId: 5, pid: 99, workerId: '' })).toBe('t5-p99');
  });

  it('adds the worker id', () => {
    expect(workerTag(worker)).toBe('t0-p4321-w3');
  });

  it('slugs the worker id to 12 safe characters', () => {
    expect(workerTag({ threadId: 1, pid: 2, workerId: '../a b/c' })).toBe('t1-p2-wa-b-c');
    expect(workerTag({ threadId: 1, pid: 2, workerId: 'abcdefghijklmnopq' })).toBe('t1-p2-wabcdefghijkl');
  });
});

describe('environmentRecordName', () => {
  it('is file slug, "environment" and a hash of file and project', () => {
    expect(environmentRecordName('test/a.test.ts', '')).toBe(`test_a.test.ts__environment__${HASH_NO_PROJECT}.json`);
    expect(environmentRecordName('test/a.test.ts', 'proj-1')).toBe(`test_a.test.ts__environment__${HASH_PROJECT_1}.json`);
  });

  it('is stable and differs by project', () => {
    expect(environmentRecordName('test/a.test.ts', 'proj-2')).toBe(environmentRecordName('test/a.test.ts', 'proj-2'));
    expect(environmentRecordName('test/a.test.ts', 'proj-2')).not.toBe(environmentRecordName('test/a.test.ts', 'proj-1'));
  });

  it('keeps files whose slugs collide apart', () => {
    expect(environmentRecordName('test/a b.test.ts', '')).not.toBe(environmentRecordName('test/a-b.test.ts', ''));
    expect(environmentRecordName('test/a b.test.ts', '').startsWith('test_a-b.test.ts__environment__')).toBe(true);
  });
});

describe('environmentSnapshotName', () => {
  it('is file slug, "environment", worker tag and the same hash', () => {
    expect(environmentSnapshotName('test/a.test.ts', '', worker)).toBe(
      `test_a.test.ts__environment__t0-p4321-w3__${HASH_NO_PROJECT}.heapsnapshot`,
    );
    expect(environmentSnapshotName('test/a.test.ts', 'proj-1', { threadId: 2, pid: 7, workerId: null })).toBe(
      `test_a.test.ts__environment__t2-p7__${HASH_PROJECT_1}.heapsnapshot`,
    );
  });

  it('is stable and differs by project and worker', () => {
    const a = environmentSnapshotName('test/a.test.ts', 'p', worker);
    expect(environmentSnapshotName('test/a.test.ts', 'p', worker)).toBe(a);
    expect(environmentSnapshotName('test/a.test.ts', 'q', worker)).not.toBe(a);
    expect(environmentSnapshotName('test/a.test.ts', 'p', { ...worker, pid: 4322 })).not.toBe(a);
  });

  it('is always a safe, short file name', () => {
    const names = [
      environmentSnapshotName('../../etc/passwd', '..', worker),
      environmentSnapshotName('a\0b.ts', 'C:\\proj', { threadId: 1, pid: 2, workerId: '/../x' }),
      environmentSnapshotName(`deep/${'x'.repeat(300)}/café ✓ 日本.test.ts`, 'p', worker),
      environmentRecordName('../../etc/passwd', '/'),
      environmentRecordName(`${'y'.repeat(300)}.ts`, ''),
    ];
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
      expect(name).not.toContain('..');
      expect(name.length).toBeLessThan(120);
    }
  });
});
