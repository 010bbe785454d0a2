import { describe, expect, it } from 'vitest';
import { fileOf, suiteFromHookArgs, suitePath, type SuiteTask } from '../src/vitest/suite-task.js';

const file: SuiteTask = { id: 'f', name: 'test/a.test.ts', type: 'suite', filepath: '/proj/test/a.test.ts' };
const outer: SuiteTask = { id: 'o', name: 'outer', type: 'suite', suite: file, file };
const inner: SuiteTask = { id: 'i', name: 'inner', type: 'suite', suite: outer, file };

describe('suiteFromHookArgs', () => {
  it('finds the suite as the only argument', () => {
    expect(suiteFromHookArgs([inner])).toBe(inner);
  });

  it('finds the suite after the context', () => {
    expect(suiteFromHookArgs([{ signal: {} }, inner])).toBe(inner);
  });

  it('finds the suite after runSuite and the context', () => {
    expect(suiteFromHookArgs([() => undefined, { signal: {} }, inner])).toBe(inner);
  });

  it('takes the last task when several look like one', () => {
    expect(suiteFromHookArgs([outer, inner])).toBe(inner);
  });

  it('throws when no argument is a task', () => {
    expect(() => suiteFromHookArgs([])).toThrow('did not pass the suite to the hook');
    expect(() => suiteFromHookArgs([{ id: 'x', name: 'no type' }, null, 'suite'])).toThrow('did not pass the suite to the hook');
  });
});

describe('suitePath', () => {
  it("joins nested titles with ' > '", () => {
    expect(suitePath(inner)).toBe('outer > inner');
    expect(suitePath(outer)).toBe('outer');
  });

  it('is empty for the file task', () => {
    expect(suitePath(file)).toBe('');
  });

  it('stops at a suite without a parent', () => {
    expect(suitePath({ id: 'o', name: 'lonely', type: 'suite' })).toBe('lonely');
  });
});

describe('fileOf', () => {
  it('returns the file task itself', () => {
    expect(fileOf(file)).toBe(file);
  });

  it('uses the file link', () => {
    expect(fileOf(inner)).toBe(file);
  });

  it('walks up parents without a file link', () => {
    const a: SuiteTask = { id: 'a', name: 'a', type: 'suite', suite: file };
    const b: SuiteTask = { id: 'b', name: 'b', type: 'suite', suite: a };
    expect(fileOf(b)).toBe(file);
  });

  it('throws when there is no file above', () => {
    expect(() => fileOf({ id: 'a', name: 'orphan', type: 'suite' })).toThrow('cannot find the test file of suite "orphan"');
  });
});
