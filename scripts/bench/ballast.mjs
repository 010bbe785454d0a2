// A worker heap of real size for the benches: about 100 MB of small objects
// held for the worker's life, as ts-jest's TypeScript compiler (and its
// program) is held in a Jest worker, or a large library in a Vitest worker.
// A full GC marks every one of them, so this is what each GC costs there.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BALLAST_MB = Number(process.env.BENCH_BALLAST_MB ?? 100);

/**
 * CommonJS source of a module that builds the ballast once per worker and keeps it: Node's require cache
 * holds it, as it holds a transformer's compiler. Not on globalThis: Jest 30's globals cleanup walks what
 * the global reaches after every file (measured: 52 s for one file with 20 MB there).
 */
export function ballastSource(mb = BALLAST_MB) {
  return `// ~${mb} MB of small objects per worker, built once (see scripts/bench/ballast.mjs).
function build() {
  const nodes = [];
  for (let i = 0; i * 100 < ${mb} * 1024 * 1024; i += 1) {
    nodes.push({ kind: i % 7, pos: i, end: i + 3, name: 'id' + (i % 50000), parent: nodes[i >> 1] ?? null });
  }
  return nodes;
}
module.exports = build();
`;
}

/** Jest: a pass-through transformer that loads the ballast into the worker (where ts-jest keeps TypeScript). */
export function writeJestBallast(dir) {
  writeFileSync(join(dir, 'ballast.cjs'), ballastSource());
  writeFileSync(
    join(dir, 'ballast-transform.cjs'),
    "require('./ballast.cjs');\nmodule.exports = { process(sourceText) { return { code: sourceText }; } };\n",
  );
  return { transform: { '\\.js$': '<rootDir>/ballast-transform.cjs' } };
}

/** Vitest: a setup file that loads the ballast into the worker (once per worker: Node's require cache outlives Vitest's per-file module graph). */
export function writeVitestBallast(dir) {
  writeFileSync(join(dir, 'ballast.cjs'), ballastSource());
  writeFileSync(join(dir, 'ballast-setup.ts'), "import { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./ballast.cjs');\n");
  return { setupFiles: ['./ballast-setup.ts'] };
}
