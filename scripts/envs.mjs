// Test environments: a directory per runner version with the packed heaplens
// tarball and the runner installed from the registry, as a user would have
// them. Shared by the tests, the demo and the benchmark.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = join(ROOT, '.cache');
export const ENVS_DIR = join(CACHE, 'envs');

/** name -> dependencies besides heaplens. `node` gives that env its own Node binary. */
export const ENVS = {
  'vitest-4': { vitest: '4.1.12' },
  'vitest-3': { vitest: '3.2.4' },
  'vitest-4.0': { vitest: '4.0.18' },
  'vitest-5': { vitest: '5.1.1', node: '^22.12.0' },
  'jest-30': { jest: '30.5.2', 'jest-environment-jsdom': '30.5.2', 'ts-jest': '29.4.15', typescript: '5.9.3' },
  'jest-29': { jest: '29.7.0' },
};

const npm = (args, cwd) =>
  execFileSync('npm', args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });

/** Packs heaplens (dist must be built) into .cache and returns the tarball path. */
export function packHeaplens() {
  mkdirSync(CACHE, { recursive: true });
  for (const old of readdirSync(CACHE).filter((f) => f.endsWith('.tgz'))) rmSync(join(CACHE, old));
  const out = npm(['pack', '--json', '--pack-destination', CACHE], ROOT);
  const [{ filename }] = JSON.parse(out);
  return join(CACHE, filename);
}

/** Removes the fixture copies earlier runs left in an env (snapshots can be large). */
export function cleanProjects(name) {
  rmSync(join(ENVS_DIR, name, 'projects'), { recursive: true, force: true });
}

/** Installs (or refreshes) one env; skips the install when nothing changed. */
export function prepareEnv(name, tarball) {
  const deps = ENVS[name];
  if (!deps) throw new Error(`unknown env ${name}`);
  const dir = join(ENVS_DIR, name);
  mkdirSync(dir, { recursive: true });
  const tarHash = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  const stamp = JSON.stringify({ tarHash, deps });
  const stampFile = join(dir, '.stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return dir;
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `heaplens-env-${name}`, private: true, type: 'module', dependencies: { heaplens: `file:${tarball}`, ...deps } }, null, 2)}\n`,
  );
  // A changed tarball keeps its name: drop the old copy and lock so npm takes the new one.
  rmSync(join(dir, 'node_modules', 'heaplens'), { recursive: true, force: true });
  rmSync(join(dir, 'package-lock.json'), { force: true });
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  writeFileSync(stampFile, stamp);
  return dir;
}

/** The Node binary an env runs with: its own (vitest-5 needs Node 22) or this one. */
export function envNode(dir) {
  const own = join(dir, 'node_modules', 'node', 'bin', 'node');
  return existsSync(own) ? own : process.execPath;
}
