// `npm run bench`: what tracking costs on a 40-file Vitest suite.
// Runs the same generated suite, in the same session, as
//   baseline      Vitest without heaplens
//   logHeapUsage  Vitest's own --logHeapUsage (the peer: no GC, no verdicts)
//   floor         no heaplens: only what tracking cannot do without (allocation sampling at heaplens'
//                 interval, one profile read, so one full GC, per file; floorSetupSource in bench/suite.mjs)
//   heaplens      heaplens() with trackHeap() in every describe (80 scopes)
//   snapshots, leaky:*, snapshotsAll  `heaplens --heap-snapshots` through the CLI (see runSnapshotVariants
//                 in bench/suite.mjs): on this suite, on the suite with 2 leaking files (against leaky:baseline),
//                 and with --keep-snapshots all
//   heavy:*       baseline, floor and heaplens again with ~100 MB held in each worker (bench/ballast.mjs),
//                 each heavy variant's ratio against heavy:baseline
// and prints wall times (median of RUNS) and ratios against the baseline.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ENVS_DIR, envNode, packHeaplens, prepareEnv } from './envs.mjs';
import { comparedProjects } from './bench/compare-ref.mjs';
import { floorSetupSource, LEAKY_FILES, leakyFileBody, printTimes, runSnapshotVariants, testFileBody, timeCommand } from './bench/suite.mjs';
import { BALLAST_MB, writeVitestBallast } from './bench/ballast.mjs';

const FILES = 40;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const POOL = process.env.BENCH_POOL ?? 'forks';

const env = prepareEnv('vitest-4', packHeaplens());
const node = envNode(env);
const vitest = join(env, 'node_modules', 'vitest', 'vitest.mjs');

const cli = join(env, 'node_modules', 'heaplens', 'dist', 'cli.js');

function testFile(i, leaky) {
  const header = "import { describe, expect, it } from 'vitest';\nimport { track } from '../track';\n";
  return leaky && i < LEAKY_FILES ? leakyFileBody(i, header) : testFileBody(i, header);
}

/** kind: 'none' (no heaplens), 'floor' (floorSetupSource), 'track' (heaplens); heavy: ~100 MB per worker; leaky: LEAKY_FILES files leak. */
function makeProject(name, kind, heavy = false, leaky = false) {
  const dir = join(ENVS_DIR, 'vitest-4', 'projects', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  const withHeaplens = kind === 'track';
  const setupFiles = heavy ? writeVitestBallast(dir).setupFiles : [];
  if (kind === 'floor') {
    writeFileSync(join(dir, 'floor-setup.ts'), floorSetupSource('vitest'));
    setupFiles.push('./floor-setup.ts');
  }
  const test = JSON.stringify({ include: ['test/**/*.test.ts'], ...(setupFiles.length > 0 ? { setupFiles } : {}) });
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    withHeaplens
      ? `import { defineConfig } from 'vitest/config';\nimport { heaplens } from 'heaplens/vitest';\nexport default defineConfig({ plugins: [heaplens()], test: ${test} });\n`
      : `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: ${test} });\n`,
  );
  writeFileSync(join(dir, 'track.ts'), withHeaplens ? "export { trackHeap as track } from 'heaplens';\n" : 'export function track(): void {}\n');
  for (let i = 0; i < FILES; i += 1) writeFileSync(join(dir, 'test', `module-${String(i).padStart(2, '0')}.test.ts`), testFile(i, leaky));
  return dir;
}

function timeRun(dir, extraArgs, extraEnv = {}) {
  return timeCommand(node, [vitest, 'run', `--pool=${POOL}`, ...extraArgs], dir, extraEnv);
}

const baselineDir = makeProject('bench-baseline', 'none');
const floorDir = makeProject('bench-floor', 'floor');
const heaplensDir = makeProject('bench-heaplens', 'track');
const leakyBaselineDir = makeProject('bench-leaky-baseline', 'none', false, true);
const leakyDir = makeProject('bench-leaky', 'track', false, true);
const heavyBaselineDir = makeProject('bench-heavy-baseline', 'none', true);
const heavyFloorDir = makeProject('bench-heavy-floor', 'floor', true);
const heavyHeaplensDir = makeProject('bench-heavy-heaplens', 'track', true);
// BENCH_COMPARE=<git ref>[,<ref>...]: the same tracked suite with heaplens built from those commits (see bench/compare-ref.mjs).
const compared = comparedProjects((short) => makeProject(`bench-heaplens-${short}`, 'track')).map(({ short, dir }) => ({ name: `heaplens@${short}`, run: () => timeRun(dir, []) }));
const variants = [
  { name: 'baseline', run: () => timeRun(baselineDir, []) },
  { name: 'logHeapUsage', run: () => timeRun(baselineDir, ['--logHeapUsage']) },
  { name: 'floor', run: () => timeRun(floorDir, []) },
  { name: 'heaplens', run: () => timeRun(heaplensDir, []) },
  ...compared,
  { name: 'leaky:baseline', run: () => timeRun(leakyBaselineDir, []) },
  { name: 'heavy:baseline', run: () => timeRun(heavyBaselineDir, []) },
  { name: 'heavy:floor', run: () => timeRun(heavyFloorDir, []) },
  { name: 'heavy:heaplens', run: () => timeRun(heavyHeaplensDir, []) },
];
// BENCH_ONLY=baseline,heaplens,...: run only those variants (an A/B with more runs); snapshots only when named.
const only = process.env.BENCH_ONLY?.split(',');
const chosen = only ? variants.filter((v) => only.includes(v.name) || (v.name.startsWith('heaplens@') && only.includes('compare'))) : variants;
timeRun(baselineDir, []); // warm Vite's caches once
if (chosen.some((v) => v.name.startsWith('heavy:'))) timeRun(heavyBaselineDir, []);
const times = Object.fromEntries(chosen.map((v) => [v.name, []]));
for (let r = 0; r < RUNS; r += 1) for (const v of chosen) times[v.name].push(v.run());
const snapshotVariants =
  !only || only.includes('snapshots')
    ? runSnapshotVariants((dir, args) => timeCommand(node, [cli, ...args, '--', node, vitest, 'run', `--pool=${POOL}`], dir), { trackDir: heaplensDir, leakyDir })
    : null;
if (snapshotVariants) Object.assign(times, snapshotVariants.times);

printTimes(`heaplens overhead: ${FILES} test files, 80 tracked describes, 400 tests, pool ${POOL} (heavy: ${BALLAST_MB} MB more per worker), ${cpus().length} cores, Node ${process.version}`, RUNS, times);
for (const line of snapshotVariants?.figures ?? []) console.log(line);
