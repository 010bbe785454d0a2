import { describe, expect, it } from 'vitest';
import { hasEachHooks, testBoundary } from '../src/jest/test-boundaries.js';

// Circus' shapes: a test entry's parent is its describe block; blocks keep their hooks and their parent.
const root = { hooks: [] as Array<{ type: string }> };
const plain = { parent: root, hooks: [{ type: 'beforeAll' }, { type: 'afterAll' }] };
const withBefore = { parent: root, hooks: [{ type: 'beforeEach' }] };
const nestedInBefore = { parent: withBefore, hooks: [] };
const withAfter = { parent: root, hooks: [{ type: 'afterEach' }] };

const events = (test: object) =>
  ['test_start', 'test_fn_start', 'test_fn_success', 'test_done'].map((name) => testBoundary({ name, test }));

describe('hasEachHooks', () => {
  it("finds a test's own block's hooks and an enclosing block's", () => {
    expect(hasEachHooks({ parent: withBefore }, 'beforeEach')).toBe(true);
    expect(hasEachHooks({ parent: nestedInBefore }, 'beforeEach')).toBe(true);
    expect(hasEachHooks({ parent: nestedInBefore }, 'afterEach')).toBe(false);
    expect(hasEachHooks({ parent: plain }, 'beforeEach')).toBe(false);
  });

  it('says yes where the shapes are unknown', () => {
    expect(hasEachHooks(undefined, 'beforeEach')).toBe(true);
    expect(hasEachHooks({ parent: { parent: root } }, 'afterEach')).toBe(true);
  });
});

describe('testBoundary', () => {
  it('marks the four phases of a test with beforeEach and afterEach hooks', () => {
    const both = { parent: { parent: withBefore, hooks: [{ type: 'afterEach' }] } };
    expect(events(both)).toEqual([
      { kind: 'beforeEach', startsTest: true },
      { kind: 'test', startsTest: false },
      { kind: 'afterEach', startsTest: false },
      { kind: 'after', startsTest: false },
    ]);
  });

  it('starts a test without beforeEach hooks at its body, and runs a body without afterEach hooks to its end', () => {
    expect(events({ parent: plain })).toEqual([{ kind: 'test', startsTest: true }, null, null, { kind: 'after', startsTest: false }]);
    expect(events({ parent: withAfter })).toEqual([
      { kind: 'test', startsTest: true },
      null,
      { kind: 'afterEach', startsTest: false },
      { kind: 'after', startsTest: false },
    ]);
  });

  it('marks a failed body like a passed one, and nothing for other events', () => {
    expect(testBoundary({ name: 'test_fn_failure', test: { parent: withAfter } })).toEqual({ kind: 'afterEach', startsTest: false });
    expect(testBoundary({ name: 'hook_start', test: { parent: withAfter } })).toBeNull();
    expect(testBoundary({ name: 'run_describe_start' })).toBeNull();
  });
});
