import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The Jest version the project runs (`jest`, else `jest-circus`, as installed for rootDir), or 'unknown'. */
export function jestVersion(rootDir: string): string {
  const req = createRequire(join(rootDir, 'package.json'));
  for (const name of ['jest/package.json', 'jest-circus/package.json', '@jest/core/package.json']) {
    try {
      return (req(name) as { version: string }).version;
    } catch {
      // next
    }
  }
  return 'unknown';
}
