import { describe, expect, it } from 'vitest';
import { describePath, isRootBlock, ROOT_DESCRIBE_BLOCK_NAME } from '../src/jest/describe-block.js';
import type { DescribeBlock } from '../src/jest/types.js';

const root: DescribeBlock = { name: ROOT_DESCRIBE_BLOCK_NAME };
const outer: DescribeBlock = { name: 'Orders', parent: root };
const inner: DescribeBlock = { name: 'refunds', parent: outer };
const deepest: DescribeBlock = { name: 'partial > twice', parent: inner };

describe('describePath', () => {
  it("is '' for the root block around the file", () => {
    expect(describePath(root)).toBe('');
  });

  it('is the title of a top-level describe', () => {
    expect(describePath(outer)).toBe('Orders');
  });

  it('joins nested titles from the file down with " > "', () => {
    expect(describePath(inner)).toBe('Orders > refunds');
    expect(describePath(deepest)).toBe('Orders > refunds > partial > twice');
  });

  it("leaves out the root block's name, whatever it is", () => {
    const otherRoot: DescribeBlock = { name: 'anything' };
    expect(describePath({ name: 'A', parent: otherRoot })).toBe('A');
  });

  it('keeps empty titles as empty segments', () => {
    expect(describePath({ name: 'B', parent: { name: '', parent: root } })).toBe(' > B');
  });
});

describe('isRootBlock', () => {
  it('is true only for a block without a parent', () => {
    expect(isRootBlock(root)).toBe(true);
    expect(isRootBlock({ name: 'not the usual name' })).toBe(true);
    expect(isRootBlock(outer)).toBe(false);
    expect(isRootBlock({ name: ROOT_DESCRIBE_BLOCK_NAME, parent: root })).toBe(false);
  });
});
