import type { BoundaryKind } from '../core/marker-cuts.js';

/** A jest-circus describe block, as far as its hooks go (`Circus.DescribeBlock`). */
interface HookedBlock {
  readonly parent?: HookedBlock;
  readonly hooks?: ReadonlyArray<{ readonly type?: unknown }>;
}

/** The `test` of circus' test events (`Circus.TestEntry`). */
interface TestEntryLike {
  readonly parent?: HookedBlock;
}

export interface TestBoundary {
  readonly kind: BoundaryKind;
  readonly startsTest: boolean;
}

/**
 * Whether hooks of `type` run around this test: its own block's or an enclosing one's. Where circus'
 * shapes are not what heaplens knows, it says yes (the boundary is marked, as it always was).
 */
export function hasEachHooks(test: unknown, type: 'beforeEach' | 'afterEach'): boolean {
  let block = (test as TestEntryLike | undefined)?.parent;
  if (!block) return true;
  for (; block; block = block.parent) {
    if (!Array.isArray(block.hooks)) return true;
    if (block.hooks.some((hook) => hook.type === type)) return true;
  }
  return false;
}

/**
 * The boundary a circus test event marks in the open scopes, or null for none: a test's beforeEach hooks,
 * its body, its afterEach hooks and its end. Each boundary allocates a 32 KiB marker that lives until the
 * scope is read, so a phase with no hooks of its own is not marked: a test without beforeEach hooks starts
 * with its body, one without afterEach hooks runs its body to its end. On `npm run bench`'s Jest suite (no
 * each-hooks) that is two markers per test instead of four, and ~20 fewer scavenges of both workers' young
 * generation per run (`node --trace-gc`). What circus does between those events is its own either way.
 */
export function testBoundary(event: { readonly name: string; readonly test?: unknown }): TestBoundary | null {
  switch (event.name) {
    case 'test_start':
      return { kind: hasEachHooks(event.test, 'beforeEach') ? 'beforeEach' : 'test', startsTest: true };
    case 'test_fn_start':
      return hasEachHooks(event.test, 'beforeEach') ? { kind: 'test', startsTest: false } : null;
    case 'test_fn_success':
    case 'test_fn_failure':
      return hasEachHooks(event.test, 'afterEach') ? { kind: 'afterEach', startsTest: false } : null;
    case 'test_done':
      return { kind: 'after', startsTest: false };
    default:
      return null;
  }
}
