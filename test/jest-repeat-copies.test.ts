import { describe, expect, it } from 'vitest';
import { runsPerTest } from '../src/core/repetition.js';
import { appendRepeats, countTests } from '../src/jest/describe-block.js';
import type { DescribeBlock } from '../src/jest/types.js';

describe('runsPerTest', () => {
  it('gives a scope of 1 or 2 tests at least 3 runs, and repeats nothing else', () => {
    expect([0, 1, 2, 3, 20].map(runsPerTest)).toEqual([1, 3, 2, 1, 1]);
  });
});

describe('appendRepeats', () => {
  const fn = () => undefined;
  const block = () => {
    const inner = { type: 'describeBlock', name: 'inner', children: [{ type: 'test', name: 'b', fn, errors: ['x'], retryReasons: [] }] };
    return { name: 'outer', children: [{ type: 'test', name: 'a', fn, errors: [], retryReasons: [] }, inner] } as unknown as DescribeBlock;
  };

  it('appends copies of each block\'s own tests after them, in order, named as repeats, with fresh errors', () => {
    const outer = block();
    expect(appendRepeats(outer, 3)).toBe(4);
    expect(countTests(outer)).toBe(6);
    const names = (b: DescribeBlock) => (b.children ?? []).map((c) => c.name);
    expect(names(outer)).toEqual(['a', 'inner', 'a (heaplens repeat 2 of 3)', 'a (heaplens repeat 3 of 3)']);
    const inner = outer.children![1] as unknown as DescribeBlock;
    expect(names(inner)).toEqual(['b', 'b (heaplens repeat 2 of 3)', 'b (heaplens repeat 3 of 3)']);
    const copy = inner.children![1] as unknown as { fn: unknown; errors: unknown[] };
    expect(copy.fn).toBe(fn);
    expect(copy.errors).toEqual([]);
  });

  it('adds nothing for one run', () => {
    expect(appendRepeats(block(), 1)).toBe(0);
  });
});
