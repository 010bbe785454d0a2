import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeaplensConfigError, type ResolvedOptions } from '../src/core/options.js';
import { ENVIRONMENT_PATH, NO_WORKER_RESTART, outDirIgnorePattern, REPORTER_PATH, SETUP_PATH, withHeaplens, type JestConfigLike } from '../src/jest/index.js';
import { MB } from './support/records.js';
import { configErrorOf } from './support/config-error.js';

let tmp: string;
let savedEnv: Record<string, string | undefined>;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heaplens-with-'));
  savedEnv = {};
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('HEAPLENS_')) {
      savedEnv[key] = process.env[key];
      delete process.env[key];
    }
  }
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (key.startsWith('HEAPLENS_')) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** What resolveOptions makes of `{ threshold: '2MB' }` with `tmp` as the project root. */
function resolvedFor(root: string, extra: Partial<ResolvedOptions> = {}): ResolvedOptions {
  return {
    enabled: true,
    root,
    outDir: join(root, '.heaplens'),
    include: [],
    threshold: 2 * MB,
    snapshots: false,
    failOnLeak: false,
    snapshotMaxHeap: null,
    repeat: false,
    keepSnapshots: 'flagged',
    snapshotScopes: null,
    snapshotTimeBudget: 120,
    ...extra,
  };
}

const options = { threshold: '2MB' };


describe('withHeaplens on a config object', () => {
  it('points at the built CommonJS pieces', () => {
    for (const [path, name] of [[REPORTER_PATH, 'reporter.cjs'], [SETUP_PATH, 'setup.cjs'], [ENVIRONMENT_PATH, 'environment.cjs']] as const) {
      expect(isAbsolute(path)).toBe(true);
      expect(path.endsWith(`/${name}`)).toBe(true);
    }
  });

  it('wires reporter, setup file and environment into a minimal config', () => {
    const config = withHeaplens<JestConfigLike>({ rootDir: tmp }, options);
    const resolved = resolvedFor(tmp);
    expect(config).toEqual({
      rootDir: tmp,
      modulePathIgnorePatterns: [outDirIgnorePattern(resolved.outDir)],
      testEnvironment: ENVIRONMENT_PATH,
      testEnvironmentOptions: { heaplens: { options: { resolved }, environment: 'node' } },
      setupFilesAfterEnv: [SETUP_PATH],
      reporters: ['default', [REPORTER_PATH, { resolved }]],
    });
  });

  it("appends its reporter after the user's reporters", () => {
    const config = withHeaplens<JestConfigLike>({ rootDir: tmp, reporters: ['summary', ['jest-junit', { outputDirectory: 'x' }]] }, options);
    expect(config.reporters).toEqual(['summary', ['jest-junit', { outputDirectory: 'x' }], [REPORTER_PATH, { resolved: resolvedFor(tmp) }]]);
  });

  it("appends its setup file after the user's", () => {
    const config = withHeaplens<JestConfigLike>({ rootDir: tmp, setupFilesAfterEnv: ['<rootDir>/setup.js'] }, options);
    expect(config.setupFilesAfterEnv).toEqual(['<rootDir>/setup.js', SETUP_PATH]);
  });

  it('adds its setup file only once', () => {
    const config = withHeaplens<JestConfigLike>({ rootDir: tmp, setupFilesAfterEnv: [SETUP_PATH, '<rootDir>/setup.js'] }, options);
    expect(config.setupFilesAfterEnv).toEqual([SETUP_PATH, '<rootDir>/setup.js']);
  });

  it("wraps the user's environment and keeps their other environment options", () => {
    const config = withHeaplens<JestConfigLike>(
      { rootDir: tmp, testEnvironment: 'jsdom', testEnvironmentOptions: { url: 'http://localhost/', customExportConditions: ['node'] } },
      options,
    );
    expect(config.testEnvironment).toBe(ENVIRONMENT_PATH);
    expect(config.testEnvironmentOptions).toEqual({
      url: 'http://localhost/',
      customExportConditions: ['node'],
      heaplens: { options: { resolved: resolvedFor(tmp) }, environment: 'jsdom' },
    });
  });

  it("does not change the user's config object", () => {
    const input: JestConfigLike = { rootDir: tmp, testEnvironment: 'jsdom', setupFilesAfterEnv: ['a.js'], reporters: ['default'] };
    const copy = structuredClone(input);
    withHeaplens<JestConfigLike>(input, options);
    expect(input).toEqual(copy);
  });

  it('wraps object projects the same way and leaves string projects alone', () => {
    const config = withHeaplens<JestConfigLike>(
      {
        rootDir: tmp,
        projects: [
          '<rootDir>/packages/a',
          { displayName: 'dom', testEnvironment: 'jsdom', setupFilesAfterEnv: ['dom-setup.js'] },
          { displayName: 'plain' },
        ],
      },
      options,
    );
    const resolved = resolvedFor(tmp);
    expect(config.projects).toEqual([
      '<rootDir>/packages/a',
      {
        displayName: 'dom',
        modulePathIgnorePatterns: [outDirIgnorePattern(resolved.outDir)],
        testEnvironment: ENVIRONMENT_PATH,
        testEnvironmentOptions: { heaplens: { options: { resolved }, environment: 'jsdom' } },
        setupFilesAfterEnv: ['dom-setup.js', SETUP_PATH],
      },
      {
        displayName: 'plain',
        modulePathIgnorePatterns: [outDirIgnorePattern(resolved.outDir)],
        testEnvironment: ENVIRONMENT_PATH,
        testEnvironmentOptions: { heaplens: { options: { resolved }, environment: 'node' } },
        setupFilesAfterEnv: [SETUP_PATH],
      },
    ]);
    // One reporter for the whole run.
    expect(config.reporters).toEqual(['default', [REPORTER_PATH, { resolved }]]);
  });

  it("keeps outDir out of Jest's module map, after the user's own patterns", () => {
    const config = withHeaplens<JestConfigLike>({ rootDir: tmp, modulePathIgnorePatterns: ['<rootDir>/build/'] }, { outDir: 'out.d' });
    const patterns = config.modulePathIgnorePatterns as string[];
    expect(patterns[0]).toBe('<rootDir>/build/');
    expect(patterns).toHaveLength(2);
    const outDir = new RegExp(patterns[1]!);
    expect(outDir.test(join(tmp, 'out.d', 'records', 'a.json'))).toBe(true);
    // The dot is escaped, and a sibling folder sharing the prefix is not outDir.
    expect(outDir.test(join(tmp, 'outxd', 'a.json'))).toBe(false);
    expect(outDir.test(join(tmp, 'out.d-other', 'a.json'))).toBe(false);
    expect(outDir.test(join(tmp, 'test', 'out.d', 'a.json'))).toBe(false);
  });

  it('changes nothing when wrapping twice', () => {
    const once = withHeaplens<JestConfigLike>(
      { rootDir: tmp, testEnvironment: 'jsdom', reporters: ['default'], projects: ['p', { displayName: 'x', testEnvironment: 'jsdom' }] },
      options,
    );
    const twice = withHeaplens<JestConfigLike>(once, options);
    expect(twice).toEqual(once);
    expect(twice.reporters).toHaveLength(2);
    expect(twice.setupFilesAfterEnv).toEqual([SETUP_PATH]);
    expect((twice.testEnvironmentOptions?.heaplens as { environment: string }).environment).toBe('jsdom');
  });

  it('leaves a hand-wired heaplens environment alone but still adds the reporter', () => {
    const carrier = { environment: 'jsdom', options: { threshold: '5MB' } };
    const config = withHeaplens<JestConfigLike>(
      { rootDir: tmp, testEnvironment: 'heaplens/jest/environment', testEnvironmentOptions: { heaplens: carrier } },
      options,
    );
    expect(config.testEnvironment).toBe('heaplens/jest/environment');
    expect(config.testEnvironmentOptions).toEqual({ heaplens: carrier });
    expect(config.setupFilesAfterEnv).toBeUndefined();
    expect(config.reporters).toEqual(['default', [REPORTER_PATH, { resolved: resolvedFor(tmp) }]]);
  });

  it('takes outDir relative to the rootDir in the config', () => {
    const other = join(tmp, 'other');
    mkdirSync(other);
    const a = withHeaplens<JestConfigLike>({ rootDir: tmp }, { outDir: 'out/leaks' });
    const b = withHeaplens<JestConfigLike>({ rootDir: other }, { outDir: 'out/leaks' });
    const outDirOf = (c: JestConfigLike) => ((c.reporters!.at(-1) as [string, { resolved: ResolvedOptions }])[1]).resolved;
    expect(outDirOf(a)).toMatchObject({ root: tmp, outDir: join(tmp, 'out', 'leaks') });
    expect(outDirOf(b)).toMatchObject({ root: other, outDir: join(other, 'out', 'leaks') });
  });

  it('defaults rootDir to the folder of the file that calls it (the config file), as Jest does', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const rootOf = (c: JestConfigLike) => ((c.reporters!.at(-1) as [string, { resolved: ResolvedOptions }])[1]).resolved;
    expect(rootOf(withHeaplens<JestConfigLike>({}))).toMatchObject({ root: here, outDir: join(here, '.heaplens') });
    // A relative rootDir is relative to that folder too.
    expect(rootOf(withHeaplens<JestConfigLike>({ rootDir: '..' }))).toMatchObject({ root: dirname(here) });
  });

  it('reads the HEAPLENS_* overrides', () => {
    process.env.HEAPLENS_SNAPSHOTS = '1';
    process.env.HEAPLENS_OUT_DIR = 'ci-out';
    const config = withHeaplens<JestConfigLike>({ rootDir: tmp }, options);
    const resolved = resolvedFor(tmp, { snapshots: true, outDir: join(tmp, 'ci-out') });
    expect(config.reporters).toEqual(['default', [REPORTER_PATH, { resolved }]]);
  });

  it("keeps the CLI's re-run in workers when the first run used them (HEAPLENS_IN_WORKERS), and only then", () => {
    const list = join(tmp, 'files.json');
    writeFileSync(list, JSON.stringify(['test/a.test.js']));
    process.env.HEAPLENS_IN_WORKERS = '1';
    // Not the re-run (no HEAPLENS_FILES): Jest decides as it always does.
    expect(withHeaplens<JestConfigLike>({ rootDir: tmp }, options)).not.toHaveProperty('workerIdleMemoryLimit');
    process.env.HEAPLENS_FILES = list;
    expect(withHeaplens<JestConfigLike>({ rootDir: tmp }, options).workerIdleMemoryLimit).toBe(NO_WORKER_RESTART);
    // The user's own limit stays.
    expect(withHeaplens<JestConfigLike>({ rootDir: tmp, workerIdleMemoryLimit: '512MB' }, options).workerIdleMemoryLimit).toBe('512MB');
    // The first run ran in band: so does the re-run.
    delete process.env.HEAPLENS_IN_WORKERS;
    expect(withHeaplens<JestConfigLike>({ rootDir: tmp }, options)).not.toHaveProperty('workerIdleMemoryLimit');
  });
});

describe('withHeaplens on a config function', () => {
  it('returns an async function that produces the wrapped config', async () => {
    const wrapped = withHeaplens<JestConfigLike>(() => ({ rootDir: tmp, testEnvironment: 'jsdom' }), options);
    expect(typeof wrapped).toBe('function');
    const result = wrapped();
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toEqual(withHeaplens<JestConfigLike>({ rootDir: tmp, testEnvironment: 'jsdom' }, options));
  });

  it('awaits an async config function', async () => {
    const wrapped = withHeaplens<JestConfigLike>(async () => ({ rootDir: tmp, reporters: ['summary'] }), options);
    const config = await wrapped();
    expect(config.testEnvironment).toBe(ENVIRONMENT_PATH);
    expect(config.reporters).toEqual(['summary', [REPORTER_PATH, { resolved: resolvedFor(tmp) }]]);
  });

  it('checks the options when Jest calls the function', async () => {
    const wrapped = withHeaplens<JestConfigLike>(() => ({ rootDir: tmp }), { threshold: 'lots' });
    await expect(wrapped()).rejects.toThrow(HeaplensConfigError);
  });
});

describe('withHeaplens errors', () => {
  it('rejects a bad threshold in one line naming the option and where to fix it', () => {
    const error = configErrorOf(() => withHeaplens<JestConfigLike>({ rootDir: tmp }, { threshold: 'lots' }));
    expect(error.message).toBe(
      "heaplens: option 'threshold' must be a byte count like 1048576 or '1MB' (got 'lots'). " +
        'Fix it in the withHeaplens() options in your Jest config.',
    );
    expect(inspect(error)).toBe(error.message);
  });

  it('rejects an unknown option by name', () => {
    const error = configErrorOf(() => withHeaplens<JestConfigLike>({ rootDir: tmp }, { treshold: '1MB' } as never));
    expect(error.message).toContain("unknown option 'treshold'");
    expect(error.message).not.toContain('\n');
  });

  it('refuses an outDir holding files heaplens did not write, and writes nothing', () => {
    mkdirSync(join(tmp, '.heaplens'));
    writeFileSync(join(tmp, '.heaplens', 'mine.txt'), 'x');
    const error = configErrorOf(() => withHeaplens<JestConfigLike>({ rootDir: tmp }, options));
    expect(error.message).toContain(`outDir ${join(tmp, '.heaplens')} already holds files heaplens did not write`);
    expect(error.message).not.toContain('\n');
  });

  it('accepts an outDir heaplens marked as its own', () => {
    mkdirSync(join(tmp, '.heaplens'));
    writeFileSync(join(tmp, '.heaplens', '.heaplens-output'), '');
    writeFileSync(join(tmp, '.heaplens', 'report.json'), '{}');
    expect(withHeaplens<JestConfigLike>({ rootDir: tmp }, options).testEnvironment).toBe(ENVIRONMENT_PATH);
  });

  it('needs a config object', () => {
    expect(() => withHeaplens<JestConfigLike>(null as never, options)).toThrow(TypeError);
    expect(() => withHeaplens<JestConfigLike>('jest.config.js' as never, options)).toThrow(/needs your Jest config object/);
  });
});
