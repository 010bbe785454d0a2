import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironment, resolveEnvironmentPath } from '../src/jest/resolve-environment.js';
import { ROOT } from './support/projects.js';
import { configErrorOf } from './support/config-error.js';

/** Jest 30.5.2 with jest-environment-node and jest-environment-jsdom, as scripts/prepare-envs.mjs installs it. */
const JEST_30 = join(ROOT, '.cache', 'envs', 'jest-30');
const modules = join(JEST_30, 'node_modules');

let project: string;

beforeAll(() => {
  if (!existsSync(join(modules, 'jest-environment-jsdom'))) {
    throw new Error('the jest-30 env is not installed: run `npm run build && node scripts/prepare-envs.mjs jest-30`');
  }
  // A project without node_modules, with its own environments (CommonJS: no package.json "type").
  project = mkdtempSync(join(tmpdir(), 'heaplens-resolve-env-'));
  mkdirSync(join(project, 'envs'));
  writeFileSync(
    join(project, 'envs', 'custom.js'),
    'class CustomEnvironment { constructor(config, context) { this.global = {}; } async setup() {} async teardown() {} }\n' +
      'module.exports = CustomEnvironment;\n',
  );
  writeFileSync(join(project, 'envs', 'default-export.js'), 'exports.default = class DefaultEnvironment {};\n');
  writeFileSync(
    join(project, 'envs', 'both.js'),
    'exports.TestEnvironment = class Named {};\nexports.default = class Default {};\n',
  );
  writeFileSync(join(project, 'envs', 'no-class.js'), 'module.exports = { setup() {}, version: 1 };\n');
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});


describe('resolveEnvironmentPath', () => {
  it("resolves 'node' to jest-environment-node's CommonJS entry", () => {
    expect(resolveEnvironmentPath('node', JEST_30)).toBe(join(modules, 'jest-environment-node', 'build', 'index.js'));
  });

  it("resolves 'jsdom' to jest-environment-jsdom", () => {
    expect(resolveEnvironmentPath('jsdom', JEST_30)).toBe(join(modules, 'jest-environment-jsdom', 'build', 'index.js'));
  });

  it('resolves a full package name as itself', () => {
    expect(resolveEnvironmentPath('jest-environment-node', JEST_30)).toBe(join(modules, 'jest-environment-node', 'build', 'index.js'));
  });

  it('resolves a relative path against rootDir, with or without its extension', () => {
    const file = join(project, 'envs', 'custom.js');
    expect(resolveEnvironmentPath('./envs/custom.js', project)).toBe(file);
    expect(resolveEnvironmentPath('./envs/custom', project)).toBe(file);
  });

  it('expands <rootDir>', () => {
    expect(resolveEnvironmentPath('<rootDir>/envs/custom.js', project)).toBe(join(project, 'envs', 'custom.js'));
  });

  it('takes an absolute path as it is', () => {
    const file = join(project, 'envs', 'custom.js');
    expect(resolveEnvironmentPath(file, JEST_30)).toBe(file);
  });

  it('names an environment it cannot find, in one line', () => {
    const error = configErrorOf(() => resolveEnvironmentPath('no-such-env-xyz', JEST_30));
    expect(error.message).toBe(
      "heaplens: cannot find the test environment 'no-such-env-xyz' that heaplens wraps; install it or fix testEnvironment in your Jest config.",
    );
  });

  it('names a missing path as the user wrote it', () => {
    const error = configErrorOf(() => resolveEnvironmentPath('<rootDir>/envs/missing.js', project));
    expect(error.message).toContain("the test environment '<rootDir>/envs/missing.js'");
  });

  it("points to jest-environment-jsdom when 'jsdom' is not installed", () => {
    const error = configErrorOf(() => resolveEnvironmentPath('jsdom', project));
    expect(error.message).toContain("the test environment 'jsdom'");
    expect(error.message).toContain('jest-environment-jsdom is a separate package since Jest 28: npm i -D jest-environment-jsdom');
    expect(error.message).not.toContain('\n');
  });

  it("gives no jsdom hint for other names", () => {
    expect(configErrorOf(() => resolveEnvironmentPath('happy-dom', project)).message).not.toContain('jest-environment-jsdom');
  });
});

describe('loadEnvironment', () => {
  it("loads jest-environment-node's TestEnvironment class", () => {
    const path = resolveEnvironmentPath('node', JEST_30);
    const loaded = loadEnvironment(path);
    expect(typeof loaded).toBe('function');
    expect(loaded).toBe((createRequire(path)(path) as { TestEnvironment: unknown }).TestEnvironment);
    expect(loaded.name).toBe('NodeEnvironment');
  });

  it('loads a class exported as module.exports', () => {
    const Loaded = loadEnvironment(join(project, 'envs', 'custom.js'));
    expect(Loaded.name).toBe('CustomEnvironment');
    const instance = new Loaded({ globalConfig: {}, projectConfig: { rootDir: project } }, { testPath: 'a.test.js' });
    expect(instance.global).toEqual({});
  });

  it('loads a default export', () => {
    expect(loadEnvironment(join(project, 'envs', 'default-export.js')).name).toBe('DefaultEnvironment');
  });

  it('prefers TestEnvironment over the default export', () => {
    expect(loadEnvironment(join(project, 'envs', 'both.js')).name).toBe('Named');
  });

  it('refuses a module that exports no class, naming the file', () => {
    const path = join(project, 'envs', 'no-class.js');
    const error = configErrorOf(() => loadEnvironment(path));
    expect(error.message).toBe(
      `heaplens: ${path} does not export a test environment class; check testEnvironment in your Jest config.`,
    );
  });
});
