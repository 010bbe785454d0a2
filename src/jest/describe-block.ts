import type { DescribeBlock } from './types.js';

/** jest-circus's name for the implicit block around a whole test file. */
export const ROOT_DESCRIBE_BLOCK_NAME = 'ROOT_DESCRIBE_BLOCK';

export function isRootBlock(block: DescribeBlock): boolean {
  return block.parent === undefined;
}

/** Describe titles from the file down, joined with ` > ` (as Vitest's suite paths); '' for the file itself. */
export function describePath(block: DescribeBlock): string {
  const titles: string[] = [];
  for (let b: DescribeBlock | undefined = block; b && b.parent !== undefined; b = b.parent) titles.push(b.name);
  return titles.reverse().join(' > ');
}

/** Tests in a block and its nested blocks. */
export function countTests(block: DescribeBlock): number {
  let count = 0;
  for (const child of block.children ?? []) {
    if (child.type === 'test') count += 1;
    else if (child.type === 'describeBlock') count += countTests(child as DescribeBlock);
  }
  return count;
}
