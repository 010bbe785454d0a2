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

/** The child run right before this block in its parent (a test or a block), or null when it is the first. */
export function previousSibling(block: DescribeBlock): unknown {
  const siblings = block.parent?.children;
  if (!siblings) return null;
  const index = siblings.indexOf(block as (typeof siblings)[number]);
  return index > 0 ? siblings[index - 1] : null;
}

/** The child run right after this block in its parent (a test or a block), or null when it is the last. */
export function nextSibling(block: DescribeBlock): unknown {
  const siblings = block.parent?.children;
  if (!siblings) return null;
  const index = siblings.indexOf(block as (typeof siblings)[number]);
  return index >= 0 && index + 1 < siblings.length ? siblings[index + 1] : null;
}

/** Tests in a block and its nested blocks. */
/**
 * The repeat pass for Jest, which has no `repeats`: appends `runs - 1` copies
 * of each test to its describe block before the block runs (from
 * `run_describe_start`, which circus awaits before it reads the children), so
 * the block's tests run again, in order, after the first pass. A copy is a
 * shallow clone of the not yet run test with fresh `errors`; its name says it
 * is a repeat. Returns how many copies were added.
 */
export function appendRepeats(block: DescribeBlock, runs: number): number {
  const children = block.children as Array<Record<string, unknown>> | undefined;
  if (!children || runs <= 1) return 0;
  let added = 0;
  for (const child of [...children]) if (child.type === 'describeBlock') added += appendRepeats(child as unknown as DescribeBlock, runs);
  const tests = children.filter((child) => child.type === 'test');
  for (let run = 2; run <= runs; run += 1) {
    for (const test of tests) {
      children.push({ ...test, name: `${String(test.name)} (heaplens repeat ${run} of ${runs})`, errors: [], retryReasons: [] });
      added += 1;
    }
  }
  return added;
}

export function countTests(block: DescribeBlock): number {
  let count = 0;
  for (const child of block.children ?? []) {
    if (child.type === 'test') count += 1;
    else if (child.type === 'describeBlock') count += countTests(child as DescribeBlock);
  }
  return count;
}
