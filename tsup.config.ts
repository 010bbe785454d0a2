import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const define = { __HEAPLENS_VERSION__: JSON.stringify(version) };

export default defineConfig([
  {
    // Library entry points: ESM and CJS, each with its own declaration file,
    // so `import` and `require` both get correct types (exports map, types first).
    entry: {
      index: 'src/index.ts',
      'vitest/index': 'src/vitest/index.ts',
      'vitest/reporter': 'src/vitest/reporter.ts',
      // Jest loads reporters, environments and setup files with require():
      // each of these has a CommonJS build beside the ESM one.
      'jest/index': 'src/jest/index.ts',
      'jest/reporter': 'src/jest/reporter.ts',
      'jest/environment': 'src/jest/environment.ts',
      'jest/setup': 'src/jest/setup.ts',
      'jest/runner': 'src/jest/runner.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
    target: 'node20',
    platform: 'node',
    clean: true,
    splitting: false,
    sourcemap: false,
    define,
    external: ['vitest', 'vitest/node', 'vitest/suite'],
  },
  {
    // Vitest loads its setup file as an ES module (index.ts names setup.js, in both builds): ESM only, so
    // that it can await Vitest's getCurrentSuite at load (current-suite.ts).
    entry: { 'vitest/setup': 'src/vitest/setup.ts' },
    format: ['esm'],
    shims: true,
    target: 'node20',
    platform: 'node',
    clean: false,
    splitting: false,
    sourcemap: false,
    define,
    external: ['vitest', 'vitest/node', 'vitest/suite'],
  },
  {
    // Worker threads load these by file URL.
    entry: { cli: 'src/cli/main.ts', 'engine/analyse-worker': 'src/engine/analyse-worker.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    clean: false,
    define,
  },
]);
