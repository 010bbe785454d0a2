import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, output, runJest } from './support/projects.js';

// User mistakes in a Jest config: one line that names the problem and the fix, a non-zero exit, no stack trace.
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

/** A one-file project: fixtures/jest-leaks with only its clean test and the given config. */
function project(env: 'jest-30' | 'jest-29', config: string): string {
  const dir = copyFixture(env, 'jest-leaks');
  writeFileSync(join(dir, 'jest.config.js'), config);
  return dir;
}

describe('configuration mistakes in jest.config.js', () => {
  it('an invalid withHeaplens() option stops Jest with one line naming the option', async () => {
    const dir = project('jest-30', "const { withHeaplens } = require('heaplens/jest');\nmodule.exports = withHeaplens({}, { threshold: 'lots' });\n");
    const result = await runJest('jest-30', dir, ['test/clean.test.js']);
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr.trim()).toBe(
      "heaplens: option 'threshold' must be a byte count like 1048576 or '1MB' (got 'lots'). Fix it in the withHeaplens() options in your Jest config.",
    );
    noStack(result.stdout);
  });

  it('refuses an outDir that holds files heaplens did not write', async () => {
    const dir = project('jest-30', "const { withHeaplens } = require('heaplens/jest');\nmodule.exports = withHeaplens({}, { outDir: 'mine' });\n");
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'notes.txt'), 'keep me');
    const result = await runJest('jest-30', dir, ['test/clean.test.js']);
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr.trim()).toMatch(/^heaplens: outDir .*mine already holds files heaplens did not write; point outDir at a new or empty directory/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the missing environment package when the wrapped environment is not installed', async () => {
    // jest-environment-jsdom is a separate package since Jest 28; the jest-29 env does not have it.
    const dir = project('jest-29', "const { withHeaplens } = require('heaplens/jest');\nmodule.exports = withHeaplens({ testEnvironment: 'jsdom' });\n");
    const result = await runJest('jest-29', dir, ['test/clean.test.js']);
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toContain(
      "heaplens: cannot find the test environment 'jsdom' that heaplens wraps (jest-environment-jsdom is a separate package since Jest 28: npm i -D jest-environment-jsdom); install it or fix testEnvironment in your Jest config.",
    );
    noStack(result.stderr);
  });
});
