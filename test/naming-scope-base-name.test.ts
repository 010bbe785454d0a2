import { describe, expect, it } from 'vitest';
import { scopeBaseName, shortHash, snapshotFileName, type ScopeKey, type WorkerIdentity } from '../src/core/naming.js';

const key: ScopeKey = { file: 'test/a.test.ts', suite: 'A > B', ordinal: 0 };
const worker: WorkerIdentity = { threadId: 3, pid: 99, workerId: null };

describe('shortHash', () => {
  it('is a stable 8-character hex digest', () => {
    expect(shortHash('a', 'b')).toBe('cfa296ed');
    expect(shortHash('a', 'b')).toBe(shortHash('a', 'b'));
  });

  it('depends on how the parts are split', () => {
    expect(shortHash('ab')).toBe('8a846752');
  });
});

describe('scopeBaseName', () => {
  it('is file slug, suite slug, worker and hash', () => {
    expect(scopeBaseName(key, worker)).toBe('test_a.test.ts__A_B__t3-p99__6f3ceaa8');
  });

  it("uses 'file' for a whole-file scope", () => {
    expect(scopeBaseName({ file: 'test/a.test.ts', suite: '', ordinal: 0 }, { threadId: 0, pid: 1234, workerId: '2' })).toBe(
      'test_a.test.ts__file__t0-p1234-w2__06fa41f2',
    );
  });

  it('differs when only the ordinal, thread or pid differs', () => {
    const base = scopeBaseName(key, worker);
    const names = [
      scopeBaseName({ ...key, ordinal: 1 }, worker),
      scopeBaseName(key, { ...worker, threadId: 4 }),
      scopeBaseName(key, { ...worker, pid: 100 }),
    ];
    expect(new Set([base, ...names]).size).toBe(4);
  });

  it('keeps long titles that differ only at the end apart', () => {
    const a = scopeBaseName({ ...key, suite: `${'x'.repeat(499)}a` }, worker);
    const b = scopeBaseName({ ...key, suite: `${'x'.repeat(499)}b` }, worker);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThan(200);
  });

  it('is always safe and short', () => {
    const keys: ScopeKey[] = [
      key,
      { file: '../../etc/passwd', suite: '..', ordinal: 0 },
      { file: 'a\0b.ts', suite: 'x\u0001 > café ✓ 日本', ordinal: 2 },
      { file: `${'d/'.repeat(250)}f.ts`, suite: 'y'.repeat(500), ordinal: 7 },
    ];
    for (const k of keys) {
      const name = scopeBaseName(k, { threadId: 12, pid: 4194304, workerId: null });
      expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(name.length).toBeLessThan(200);
    }
  });
});

describe('snapshotFileName', () => {
  it('appends the phase and extension', () => {
    expect(snapshotFileName('base', 'before')).toBe('base__before.heapsnapshot');
    expect(snapshotFileName('base', 'after')).toBe('base__after.heapsnapshot');
  });
});
