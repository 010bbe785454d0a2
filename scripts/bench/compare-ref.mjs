// BENCH_COMPARE=<git ref>: the benches run heaplens built from that commit as
// one more variant, in the same session as the current build (an A/B against
// an earlier version, e.g. the release a change must not make slower).
// The build is cached per commit under .cache/ref-builds/<sha>/package.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, ROOT } from '../envs.mjs';

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

/** Builds and packs heaplens at `ref` (once per commit); returns the unpacked package's folder and the short sha. */
export function buildRef(ref) {
  const sha = run('git', ['rev-parse', '--verify', `${ref}^{commit}`], ROOT);
  const out = join(CACHE, 'ref-builds', sha);
  const pkg = join(out, 'package');
  if (existsSync(join(pkg, 'dist'))) return { dir: pkg, short: sha.slice(0, 7) };
  const tree = join(out, 'tree');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  run('git', ['worktree', 'add', '--detach', '--force', tree, sha], ROOT);
  try {
    // The build tools of this checkout: a bench compares builds, not toolchains.
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
    run('npx', ['tsup'], tree);
    const tarball = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], tree))[0].filename;
    run('tar', ['-xzf', join(out, tarball), '-C', out], out);
  } finally {
    run('git', ['worktree', 'remove', '--force', tree], ROOT);
  }
  return { dir: pkg, short: sha.slice(0, 7) };
}

/** Puts the built package into a bench project's own node_modules, where Node finds it before the env's. */
export function installRefInto(projectDir, build) {
  const target = join(projectDir, 'node_modules', 'heaplens');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(projectDir, 'node_modules'), { recursive: true });
  cpSync(build.dir, target, { recursive: true });
}

/**
 * The projects for BENCH_COMPARE=<git ref>[,<ref>...]: for each ref, the
 * project `makeDir(short sha)` returns, with heaplens built from that ref in
 * it. Empty when BENCH_COMPARE is not set.
 */
export function comparedProjects(makeDir) {
  return (process.env.BENCH_COMPARE?.split(',') ?? []).map((ref) => {
    const build = buildRef(ref);
    const dir = makeDir(build.short);
    installRefInto(dir, build);
    return { short: build.short, dir };
  });
}
