import { describe, expect, it } from 'vitest';
import { previousSibling as previousBlock } from '../src/jest/describe-block.js';
import type { DescribeBlock } from '../src/jest/types.js';
import { previousSibling as previousSuite, type SuiteTask } from '../src/vitest/suite-task.js';

// Whether a scope follows the last one directly (scope-tracker `follows`) rests on these.
describe('previousSibling (Vitest suites)', () => {
  const file: { id: string; name: string; type: string; filepath: string; tasks: SuiteTask[] } = {
    id: 'f',
    name: 'test/a.test.ts',
    type: 'suite',
    filepath: '/proj/test/a.test.ts',
    tasks: [],
  };
  const a: SuiteTask = { id: 'a', name: 'A', type: 'suite', suite: file, file };
  const test: SuiteTask = { id: 't', name: 'a test between', type: 'test', suite: file, file };
  const b: SuiteTask = { id: 'b', name: 'B', type: 'suite', suite: file, file };
  const c: SuiteTask = { id: 'c', name: 'C', type: 'suite', suite: file, file };
  file.tasks.push(a, b, test, c);

  it('is the task before the suite in its parent, a test as well as a suite', () => {
    expect(previousSuite(b)).toBe(a);
    expect(previousSuite(c)).toBe(test);
  });

  it('is null for the first task and for a suite its parent does not list', () => {
    expect(previousSuite(a)).toBeNull();
    expect(previousSuite({ id: 'x', name: 'X', type: 'suite', suite: file, file })).toBeNull();
  });
});

describe('previousSibling (Jest describe blocks)', () => {
  const root: DescribeBlock & { children: unknown[] } = { name: 'ROOT_DESCRIBE_BLOCK', children: [] };
  const a = { type: 'describeBlock', name: 'A', parent: root };
  const test = { type: 'test', name: 'between', parent: root };
  const b = { type: 'describeBlock', name: 'B', parent: root };
  const c = { type: 'describeBlock', name: 'C', parent: root };
  root.children.push(a, b, test, c);

  it('is the child before the block, a test as well as a block', () => {
    expect(previousBlock(b)).toBe(a);
    expect(previousBlock(c)).toBe(test);
  });

  it('is null for the first child and for the root block', () => {
    expect(previousBlock(a)).toBeNull();
    expect(previousBlock(root)).toBeNull();
  });
});
