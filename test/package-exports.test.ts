import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envDir, ROOT } from './support/projects.js';

// The package as a user gets it: `npm pack`, installed from the tarball into
// the test environments by scripts/prepare-envs.mjs.
describe('the published package', () => {
  it('ships only dist, README, CHANGELOG and package.json', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8' })) as Array<{
      files: Array<{ path: string }>;
    }>;
    const paths = pack!.files.map((f) => f.path).sort();
    for (const path of paths) expect(path).toMatch(/^(dist\/.+\.(js|cjs|d\.ts|d\.cts)|README\.md|CHANGELOG\.md|package\.json)$/);
    for (const required of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/vitest/index.js', 'dist/vitest/index.cjs', 'dist/vitest/setup.js', 'dist/cli.js', 'dist/jest/index.cjs', 'dist/jest/reporter.cjs', 'dist/jest/environment.cjs', 'dist/jest/setup.cjs']) {
      expect(paths).toContain(required);
    }
  });

  it('has an exports map with types first for import and require', () => {
    const pkg = JSON.parse(readFileSync(join(envDir('vitest-4'), 'node_modules', 'heaplens', 'package.json'), 'utf8'));
    for (const entry of ['.', './vitest', './jest']) {
      for (const condition of ['import', 'require']) {
        const target = pkg.exports[entry][condition];
        expect(Object.keys(target)[0], `${entry} ${condition}`).toBe('types');
        expect(existsSync(join(envDir('vitest-4'), 'node_modules', 'heaplens', target.types))).toBe(true);
      }
    }
    expect(pkg.bin.heaplens).toBe('./dist/cli.js');
  });

  it('loads from CommonJS and ESM without a transform', () => {
    const cwd = envDir('vitest-4');
    const cjs = execFileSync(
      process.execPath,
      ['-e', "const h = require('heaplens'); const v = require('heaplens/vitest'); console.log(typeof h.trackHeap, typeof v.heaplens, h.REPORT_SCHEMA_VERSION)"],
      { cwd, encoding: 'utf8' },
    );
    expect(cjs.trim()).toBe('function function 2');
    const esm = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const h = await import('heaplens'); const v = await import('heaplens/vitest'); console.log(typeof h.trackHeap, typeof v.heaplens, typeof v.default)"],
      { cwd, encoding: 'utf8' },
    );
    expect(esm.trim()).toBe('function function function');
  });

  it('gives Jest CommonJS builds of the reporter, environment and setup file', () => {
    const cwd = envDir('jest-30');
    const script = [
      "const j = require('heaplens/jest');",
      "const Reporter = require(require.resolve('heaplens/jest/reporter')).default;",
      "const Env = require(require.resolve('heaplens/jest/environment')).default;",
      "require.resolve('heaplens/jest/setup');",
      "const config = j.withHeaplens({ rootDir: process.cwd() });",
      "console.log(typeof j.withHeaplens, typeof Reporter, typeof Env, config.testEnvironment === j.ENVIRONMENT_PATH, j.ENVIRONMENT_PATH.endsWith('.cjs'), config.reporters.length);",
    ].join(' ');
    const cjs = execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' });
    expect(cjs.trim()).toBe('function function function true true 2');
    const esm = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const j = await import('heaplens/jest'); console.log(typeof j.withHeaplens, typeof j.default)"],
      { cwd, encoding: 'utf8' },
    );
    expect(esm.trim()).toBe('function function');
  });

  it('trackHeap() outside a configured run explains how to set heaplens up', () => {
    const cwd = envDir('vitest-4');
    const result = execFileSync(
      process.execPath,
      ['-e', "try { require('heaplens').trackHeap() } catch (e) { console.log(e.message) }"],
      { cwd, encoding: 'utf8' },
    );
    expect(result).toContain("heaplens: trackHeap() was called but heaplens is not set up for this test run. Add heaplens() from 'heaplens/vitest'");
  });

  it('installs only fast-glob and picocolors at run time', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['fast-glob', 'picocolors']);
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@jest/reporters', 'vitest']);
  });
});
