import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, output, runCli, runVitest } from './support/projects.js';

// User mistakes: one line that names the file and the fix, a non-zero exit, no stack trace.
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('configuration mistakes in vitest.config', () => {
  it('an invalid option stops the run with one line naming the option and the config file', async () => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    writeFileSync(
      join(dir, 'vitest.config.ts'),
      "import { defineConfig } from 'vitest/config';\nimport { heaplens } from 'heaplens/vitest';\n" +
        "export default defineConfig({ plugins: [heaplens({ threshold: 'lots' })] });\n",
    );
    const result = await runVitest('vitest-4', dir, []);
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toContain(
      "heaplens: option 'threshold' must be a byte count like 1048576 or '1MB' (got 'lots'). Fix it in vitest.config.ts.",
    );
    noStack(result.stderr);
    noStack(result.stdout);
  });

  it('refuses an outDir that holds files heaplens did not write', async () => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'notes.txt'), 'keep me');
    const result = await runVitest('vitest-4', dir, [], { env: { HEAPLENS_OUT_DIR: 'mine' } });
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toMatch(/heaplens: outDir .*mine already holds files heaplens did not write/);
    noStack(result.stderr);
  });
});

describe('heaplens CLI mistakes', () => {
  const cases: Array<{ args: string[]; code: number; message: RegExp }> = [
    { args: ['--heap-snapshots'], code: 2, message: /^heaplens: nothing to run: put the test command after '--'/ },
    { args: ['--heap-snapshots', 'npx', 'vitest'], code: 2, message: /^heaplens: unexpected 'npx': put the test command after '--'/ },
    { args: ['--snapshots', '--', 'true'], code: 2, message: /^heaplens: Unknown option '--snapshots'.*heaplens --help/ },
    { args: ['--out-dir', ' ', '--', 'true'], code: 2, message: /^heaplens: --out-dir needs a directory/ },
    { args: ['--', 'no-such-command-heaplens'], code: 127, message: /^heaplens: cannot run 'no-such-command-heaplens': command not found/ },
  ];
  it.each(cases)('heaplens $args → exit $code', async ({ args, code, message }) => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    const result = await runCli('vitest-4', dir, args);
    expect(result.code, output(result)).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
  });

  it('says when the command passed but the config does not use heaplens', async () => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    writeFileSync(join(dir, 'vitest.config.ts'), "export default { test: { include: ['test/**/*.test.ts'] } };\n");
    writeFileSync(join(dir, 'test', 'big-heap.test.ts'), "import { it } from 'vitest';\nit('runs', () => {});\n");
    const result = await runVitest('vitest-4', dir, [], { cli: ['--heap-snapshots'] });
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/heaplens did not run in it: add heaplens\(\) from 'heaplens\/vitest'/);
  });

  it('passes the exit code of a failing command through', async () => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    const result = await runCli('vitest-4', dir, ['--', process.execPath, '-e', 'process.exit(7)']);
    expect(result.code).toBe(7);
  });

  it('prints help and version', async () => {
    const dir = copyFixture('vitest-4', 'vitest-skip');
    const help = await runCli('vitest-4', dir, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('heaplens [--heap-snapshots] [--keep-snapshots flagged|all] [--heap-repeat] [--out-dir DIR] [--fail-on-leak] -- <test command...>');
    const version = await runCli('vitest-4', dir, ['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
