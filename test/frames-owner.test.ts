import { describe, expect, it } from 'vitest';
import { frameContextOf, frameOwner, packageOf, relativeToRoot, runnerPackageOf, urlToPath } from '../src/core/frames.js';

const ctx = { root: '/work/app', ownDir: '/opt/heaplens/dist' };

describe('frameOwner', () => {
  it('tells user code from the runner, libraries, Node and heaplens', () => {
    expect(frameOwner('file:///work/app/src/cache.ts', ctx)).toBe('user');
    expect(frameOwner('/work/app/test/a.test.ts', ctx)).toBe('user');
    expect(frameOwner('file:///work/app/node_modules/@vitest/runner/dist/index.js', ctx)).toBe('runner');
    expect(frameOwner('/work/app/node_modules/jest-circus/build/run.js', ctx)).toBe('runner');
    expect(frameOwner('/work/app/node_modules/.pnpm/tinyspy@4.0.0/node_modules/tinyspy/dist/index.js', ctx)).toBe('runner');
    expect(frameOwner('/work/app/node_modules/zod/lib/index.js', ctx)).toBe('library');
    expect(frameOwner('node:events', ctx)).toBe('node');
    expect(frameOwner('events', ctx)).toBe('node');
    expect(frameOwner('/work/app/node_modules/heaplens/dist/vitest/setup.js', ctx)).toBe('heaplens');
    expect(frameOwner('file:///opt/heaplens/dist/jest/environment.cjs', ctx)).toBe('heaplens');
    expect(frameOwner('', ctx)).toBe('unknown');
    expect(frameOwner('/elsewhere/x.js', ctx)).toBe('unknown');
  });

  it('does not take a sibling folder that shares the root as a prefix for user code', () => {
    expect(frameOwner('/work/app-other/src/x.ts', ctx)).toBe('unknown');
  });
});

describe('paths', () => {
  it('reads file URLs, plain paths and package names', () => {
    expect(urlToPath('file:///work/app/a%20b.ts')).toBe('/work/app/a b.ts');
    expect(urlToPath('node:fs')).toBeNull();
    expect(packageOf('/x/node_modules/@vitest/spy/dist/index.js')).toBe('@vitest/spy');
    expect(packageOf('/x/node_modules/a/node_modules/b/index.js')).toBe('b');
    expect(packageOf('/x/src/index.js')).toBeNull();
    expect(relativeToRoot('file:///work/app/src/a.ts', '/work/app')).toBe('src/a.ts');
  });

  it("reports Vitest 5's bundled spies as @vitest/spy, and the rest of Vitest as vitest", () => {
    expect(runnerPackageOf('/x/node_modules/vitest/dist/chunks/spy.BO0hTE3G.js')).toBe('@vitest/spy');
    expect(runnerPackageOf('/x/node_modules/vitest/dist/chunks/index.C7Nn66Gy.js')).toBe('vitest');
    expect(runnerPackageOf('/x/node_modules/@vitest/spy/dist/index.js')).toBe('@vitest/spy');
    expect(runnerPackageOf('node:internal/timers')).toBe('runner');
  });
});

describe('frameContextOf', () => {
  it('gives `/` separators and no trailing slash, whatever the platform wrote', () => {
    expect(frameContextOf('C:\\proj\\', '/app/node_modules/heaplens/dist/')).toEqual({ root: 'C:/proj', ownDir: '/app/node_modules/heaplens/dist' });
  });
});
