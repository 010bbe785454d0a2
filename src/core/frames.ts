/**
 * Who a stack frame of V8's sampling heap profile belongs to, from its
 * script URL. Pure: the project root and heaplens' own folder come in.
 */
export type FrameOwner = 'user' | 'runner' | 'library' | 'node' | 'heaplens' | 'unknown';

/**
 * Packages whose code is the test runner itself (or its transformers and
 * helpers): memory they allocate on a test's behalf (spies, per-test
 * records, snapshot state, decoded source maps) is theirs until the file ends.
 */
const RUNNER_PACKAGES = new Set([
  'vitest',
  'vite',
  'vite-node',
  'tinypool',
  'tinyspy',
  'tinyrainbow',
  'chai',
  'magic-string',
  'jest',
  'expect',
  'pretty-format',
  'source-map-support',
  'source-map',
  'babel-jest',
  'ts-jest',
  'esbuild',
]);
const RUNNER_SCOPES = ['@vitest/', '@jest/', '@sinonjs/', '@babel/', '@jridgewell/'];

export interface FrameContext {
  /** Absolute project root, `/` separators, no trailing slash. */
  readonly root: string;
  /** Absolute folder of the running heaplens build, `/` separators. */
  readonly ownDir: string;
}

/** A FrameContext from native paths: `/` separators, no trailing slash. */
export function frameContextOf(root: string, ownDir: string): FrameContext {
  const posix = (path: string) => path.replace(/\\/g, '/').replace(/\/$/, '');
  return { root: posix(root), ownDir: posix(ownDir) };
}

/** `file:///a/b.ts` and `/a/b.ts` to `/a/b.ts`; Windows drive paths to `/`-separated ones. */
export function urlToPath(url: string): string | null {
  if (url.startsWith('file://')) {
    try {
      return decodeURIComponent(new URL(url).pathname).replace(/^\/([A-Za-z]:\/)/, '$1');
    } catch {
      return null;
    }
  }
  if (url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return url.replace(/\\/g, '/');
  return null;
}

/** The package a path inside node_modules belongs to (`vitest`, `@vitest/runner`), or null. */
export function packageOf(path: string): string | null {
  const at = path.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const rest = path.slice(at + '/node_modules/'.length).split('/');
  if (rest[0]?.startsWith('@')) return rest.length > 1 ? `${rest[0]}/${rest[1]}` : null;
  return rest[0] || null;
}

export function isRunnerPackage(name: string): boolean {
  return RUNNER_PACKAGES.has(name) || name.startsWith('jest-') || name.startsWith('vitest-') || RUNNER_SCOPES.some((s) => name.startsWith(s));
}

export function frameOwner(url: string, context: FrameContext): FrameOwner {
  if (url === '') return 'unknown';
  if (url.startsWith('node:') || !url.includes('/')) return 'node';
  const path = urlToPath(url);
  if (path === null) return 'unknown';
  if (path.startsWith(`${context.ownDir}/`)) return 'heaplens';
  const pkg = packageOf(path);
  if (pkg !== null) {
    if (pkg === 'heaplens') return 'heaplens';
    return isRunnerPackage(pkg) ? 'runner' : 'library';
  }
  return path.startsWith(`${context.root}/`) ? 'user' : 'unknown';
}

/** Project-relative `/`-separated path of a user frame's script. */
export function relativeToRoot(url: string, root: string): string {
  const path = urlToPath(url) ?? url;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/** Mock-function packages: a spy records every call's arguments and result until it is cleared or restored. */
/**
 * The runner package a runner frame's file belongs to, with Vitest 5's spies
 * (bundled into `vitest/dist/chunks/spy.*.js`, where Vitest 4 and older call
 * `@vitest/spy`) reported as `@vitest/spy`.
 */
export function runnerPackageOf(path: string): string {
  const pkg = packageOf(path) ?? 'runner';
  return pkg === 'vitest' && /\/vitest\/dist\/chunks\/spy\.[^/]*\.js$/.test(path) ? '@vitest/spy' : pkg;
}

export function isSpyPackage(name: string): boolean {
  return name === 'tinyspy' || name === '@vitest/spy' || name === 'jest-mock';
}
