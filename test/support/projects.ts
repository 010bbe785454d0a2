/**
 * End-to-end harness: copies a fixture project into an installed test
 * environment (.cache/envs/<env>, prepared by scripts/prepare-envs.mjs with the
 * packed heaplens tarball and a real Vitest) and runs the real runner on it.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/report/schema.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'fixtures');

export type EnvName = 'vitest-4' | 'vitest-4.0' | 'vitest-3' | 'vitest-5' | 'jest-30' | 'jest-29';

export function envDir(env: EnvName): string {
  const dir = join(ROOT, '.cache', 'envs', env);
  if (!existsSync(join(dir, 'node_modules', 'heaplens'))) {
    throw new Error(`test env ${env} is not installed: run \`node scripts/prepare-envs.mjs\` (npm test does it first)`);
  }
  return dir;
}

/** The Node binary of an env: Vitest 5 brings its own Node 22. */
export function envNode(env: EnvName): string {
  const own = join(envDir(env), 'node_modules', 'node', 'bin', 'node');
  return existsSync(own) ? own : process.execPath;
}

/** A fresh copy of a fixture inside the env, so `heaplens` and `vitest` resolve from there. */
export function copyFixture(env: EnvName, fixture: string): string {
  const projects = join(envDir(env), 'projects');
  mkdirSync(projects, { recursive: true });
  const dir = mkdtempSync(join(projects, `${fixture}-`));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  /** Run through `heaplens <cliArgs> -- node vitest run ...` instead of Vitest directly. */
  readonly cli?: readonly string[];
  /** Arguments for the runner's Node process (V8 flags, which NODE_OPTIONS does not take). */
  readonly nodeArgs?: readonly string[];
}

function exec(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(file, [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Environment for child runs: no colours, no heaplens settings leaking in from outside. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('HEAPLENS_') || key.startsWith('VITEST') || key.startsWith('JEST_')) delete env[key];
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function runVitest(env: EnvName, cwd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const node = envNode(env);
  const vitest = join(envDir(env), 'node_modules', 'vitest', 'vitest.mjs');
  const vitestArgs = [vitest, 'run', ...args];
  if (options.cli) {
    const cli = join(envDir(env), 'node_modules', 'heaplens', 'dist', 'cli.js');
    return exec(node, [cli, ...options.cli, '--', node, ...vitestArgs], cwd, childEnv(options.env));
  }
  return exec(node, vitestArgs, cwd, childEnv(options.env));
}

/**
 * Runs the env's real Jest (`jest <args>`) in `cwd`, or through
 * `heaplens <cliArgs> -- node jest ...` with `options.cli`. `--ci` keeps Jest
 * from writing snapshots or prompting.
 */
export function runJest(env: EnvName, cwd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const node = envNode(env);
  const jest = join(envDir(env), 'node_modules', 'jest', 'bin', 'jest.js');
  const jestArgs = [...(options.nodeArgs ?? []), jest, '--ci', ...args];
  if (options.cli) {
    const cli = join(envDir(env), 'node_modules', 'heaplens', 'dist', 'cli.js');
    return exec(node, [cli, ...options.cli, '--', node, ...jestArgs], cwd, childEnv(options.env));
  }
  return exec(node, jestArgs, cwd, childEnv(options.env));
}

/** Runs the installed `heaplens` CLI with arbitrary arguments. */
export function runCli(env: EnvName, cwd: string, args: readonly string[], extraEnv?: Record<string, string>): Promise<RunResult> {
  const cli = join(envDir(env), 'node_modules', 'heaplens', 'dist', 'cli.js');
  return exec(envNode(env), [cli, ...args], cwd, childEnv(extraEnv));
}

export function readReport(projectDir: string, outDir = '.heaplens'): Report {
  return JSON.parse(readFileSync(join(projectDir, outDir, 'report.json'), 'utf8')) as Report;
}

/** `file > suite` → verdict, the shape most assertions compare against. */
export function verdicts(report: Report): Record<string, string> {
  const out: Record<string, string> = {};
  for (const scope of report.scopes) out[`${scope.file} :: ${scope.suite}`] = scope.verdict;
  return out;
}

/**
 * The lines of a runner's output that come from heaplens. Runners print the
 * project's path (Vitest's RUN line), and a checkout's path may itself contain
 * "heaplens" (`git clone` names the folder after the repository), so paths are
 * blanked out before looking for the word.
 */
export function heaplensLines(text: string, ...paths: readonly string[]): string[] {
  let blanked = text;
  for (const path of [...paths, ROOT].sort((a, b) => b.length - a.length)) blanked = blanked.split(path).join('<path>');
  return blanked.split('\n').filter((line) => /heaplens/i.test(line));
}

/** Vitest output without its timing lines, for messages in failed assertions. */
export function output(result: RunResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
