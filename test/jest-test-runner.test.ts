import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { USE_SOURCE_MAPS } from '../src/jest/carrier.js';
import { RUNNER_PATH, withHeaplens, type JestConfigLike } from '../src/jest/index.js';
import { circusRunnerPath } from '../src/jest/resolve-runner.js';
import heaplensTestRunner, { innerRunnerPath } from '../src/jest/runner.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heaplens-runner-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** A package `jest-circus` under `dir`/node_modules whose runner returns what it was called with. */
function fakeCircus(dir: string): string {
  const pkg = join(dir, 'node_modules', 'jest-circus');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'jest-circus', version: '30.0.0' }));
  writeFileSync(join(pkg, 'runner.js'), 'module.exports = async (...args) => ({ ran: args.length, testPath: args[4] });\n');
  return join(pkg, 'runner.js');
}

describe("jest-circus' runner as Jest resolves it (circusRunnerPath)", () => {
  it('finds it for a config that names no runner or one of the names of circus', () => {
    const runner = fakeCircus(tmp);
    for (const name of [undefined, 'circus', 'jest-circus', 'jest-circus/runner']) expect(circusRunnerPath(name, tmp, [])).toBe(runner);
  });

  it("looks beside the jest-config that is reading the config first, as Jest's default runner comes from there", () => {
    const jestDir = join(tmp, 'store', 'jest-config');
    const theirs = fakeCircus(jestDir);
    fakeCircus(tmp);
    mkdirSync(join(jestDir, 'build'), { recursive: true });
    expect(circusRunnerPath(undefined, tmp, [join(jestDir, 'build', 'index.js')])).toBe(theirs);
  });

  it("takes a path to circus' runner as it is", () => {
    const runner = fakeCircus(tmp);
    expect(circusRunnerPath(runner, join(tmpdir(), 'heaplens-nowhere'), [])).toBe(runner);
  });

  it('leaves any other runner alone, and says null when circus is nowhere', () => {
    fakeCircus(tmp);
    expect(circusRunnerPath('jest-jasmine2', tmp, [])).toBeNull();
    expect(circusRunnerPath('/x/my-runner.js', tmp, [])).toBeNull();
    expect(circusRunnerPath(undefined, join(tmpdir(), 'heaplens-nowhere'), [])).toBeNull();
  });
});

describe('withHeaplens and the test runner', () => {
  it("puts heaplens' runner in front of jest-circus' and carries circus' path to the workers", () => {
    const runner = fakeCircus(tmp);
    const config = withHeaplens<JestConfigLike>({ rootDir: tmp });
    expect(config.testRunner).toBe(RUNNER_PATH);
    expect(config.testEnvironmentOptions.heaplens).toMatchObject({ testRunner: runner });
  });

  it('keeps a runner the config names, and wraps each project on its own', () => {
    fakeCircus(tmp);
    const config = withHeaplens<JestConfigLike>({ rootDir: tmp, projects: [{ testRunner: 'jest-jasmine2' }, { displayName: 'b' }] });
    const [a, b] = config.projects as JestConfigLike[];
    expect(a!.testRunner).toBe('jest-jasmine2');
    expect(b!.testRunner).toBe(RUNNER_PATH);
  });
});

describe("heaplens' test runner (runner.ts)", () => {
  it("hands the environment Jest's registry, then runs circus with Jest's arguments and returns its result", async () => {
    const circus = fakeCircus(tmp);
    const registry = new Map([['/p/a.js', '/cache/a.map']]);
    const handed: unknown[] = [];
    const environment = { [USE_SOURCE_MAPS]: (r: ReadonlyMap<string, string>) => handed.push(r) };
    const config = { testEnvironmentOptions: { heaplens: { testRunner: circus } } };
    const result = await heaplensTestRunner({}, config, environment, { getSourceMaps: () => registry }, '/p/a.test.js', () => undefined);
    expect(handed).toEqual([registry]);
    expect(result).toEqual({ ran: 6, testPath: '/p/a.test.js' });
  });

  it('names the missing setting and its fix when hand-wired without the runner to hand files to', () => {
    expect(() => innerRunnerPath({ testEnvironmentOptions: {} })).toThrow(/testEnvironmentOptions\.heaplens\.testRunner .*withHeaplens\(\) sets both/);
  });
});
