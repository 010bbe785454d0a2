// `npm run bench:jest` (and part of `npm run bench`): what heaplens costs on a
// 40-file Jest suite. Runs the same generated suite, in the same session, as
//   baseline      Jest without heaplens
//   logHeapUsage  Jest's --logHeapUsage (a peer: GC + heap figure per file, no verdicts)
//   detectLeaks   Jest's --detectLeaks (the peer of the environment check: yes/no per file, no holder)
//   envCheck      withHeaplens(), no trackHeap(): only the retained-environment check per file
//   floor         no heaplens: only what tracking cannot do without (allocation sampling at heaplens'
//                 interval, one profile read, so one full GC, per file; floorSetupSource in bench/suite.mjs)
//   heaplens      withHeaplens() with trackHeap() in every describe (80 scopes) + the environment check
//   snapshots, leaky:*, snapshotsAll  `heaplens --heap-snapshots` through the CLI (see runSnapshotVariants
//                 in bench/suite.mjs): on this suite, on the suite with 2 leaking files (against leaky:baseline),
//                 and with --keep-snapshots all
//   heavy:*       baseline, floor and heaplens again with ~100 MB held in each worker (bench/ballast.mjs, like
//                 ts-jest's TypeScript), each heavy variant's ratio against heavy:baseline
// and prints wall times (median of RUNS) and ratios against the baseline.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ENVS_DIR, envNode, packHeaplens, prepareEnv } from './envs.mjs';
import { comparedProjects } from './bench/compare-ref.mjs';
import { floorSetupSource, LEAKY_FILES, leakyFileBody, printTimes, runSnapshotVariants, testFileBody, timeCommand } from './bench/suite.mjs';
import { BALLAST_MB, writeJestBallast } from './bench/ballast.mjs';

const FILES = 40;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORKERS = process.env.BENCH_WORKERS ?? '2';

const env = prepareEnv('jest-30', packHeaplens());
const node = envNode(env);
const jest = join(env, 'node_modules', 'jest', 'bin', 'jest.js');

const cli = join(env, 'node_modules', 'heaplens', 'dist', 'cli.js');

function testFile(i, leaky) {
  const header = "const { track } = require('../track');\n";
  return leaky && i < LEAKY_FILES ? leakyFileBody(i, header) : testFileBody(i, header);
}

/** kind: 'none' (no heaplens), 'floor' (floorSetupSource), 'env' (withHeaplens, no trackHeap), 'track' (both); heavy: ~100 MB per worker; leaky: LEAKY_FILES leak. */
function makeProject(name, kind, heavy = false, leaky = false) {
  const dir = join(ENVS_DIR, 'jest-30', 'projects', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
  const floor = kind === 'floor' ? { setupFilesAfterEnv: ['<rootDir>/floor-setup.js'] } : {};
  if (kind === 'floor') writeFileSync(join(dir, 'floor-setup.js'), floorSetupSource('jest'));
  const config = JSON.stringify({ testMatch: ['<rootDir>/test/**/*.test.js'], ...floor, ...(heavy ? writeJestBallast(dir) : {}) });
  writeFileSync(
    join(dir, 'jest.config.js'),
    kind === 'none' || kind === 'floor'
      ? `module.exports = ${config};\n`
      : `const { withHeaplens } = require('heaplens/jest');\nmodule.exports = withHeaplens(${config});\n`,
  );
  writeFileSync(join(dir, 'track.js'), kind === 'track' ? "exports.track = require('heaplens').trackHeap;\n" : 'exports.track = () => {};\n');
  for (let i = 0; i < FILES; i += 1) writeFileSync(join(dir, 'test', `module-${String(i).padStart(2, '0')}.test.js`), testFile(i, leaky));
  return dir;
}

function timeRun(dir, extraArgs, extraEnv = {}, tolerate = null) {
  return timeCommand(node, [jest, '--ci', '-w', WORKERS, ...extraArgs], dir, extraEnv, tolerate);
}

/**
 * --detectLeaks fails a run when it thinks a file leaked. None of these files does: such a run is one of
 * its false positives (its check races Jest's own release of the environment), counted and printed.
 */
let detectLeaksFalsePositives = 0;
const LEAK_MESSAGE = 'Your test suite is leaking memory';
const countFalsePositives = (output) => {
  const files = new Set(output.split('\n').filter((line) => line.startsWith('FAIL ')));
  if (!output.includes(LEAK_MESSAGE) || files.size === 0) return false;
  detectLeaksFalsePositives += files.size;
  return true;
};

const baselineDir = makeProject('bench-jest-baseline', 'none');
const floorDir = makeProject('bench-jest-floor', 'floor');
const envDir = makeProject('bench-jest-env', 'env');
const trackDir = makeProject('bench-jest-heaplens', 'track');
const leakyBaselineDir = makeProject('bench-jest-leaky-baseline', 'none', false, true);
const leakyDir = makeProject('bench-jest-leaky', 'track', false, true);
const heavyBaselineDir = makeProject('bench-jest-heavy-baseline', 'none', true);
const heavyFloorDir = makeProject('bench-jest-heavy-floor', 'floor', true);
const heavyTrackDir = makeProject('bench-jest-heavy-heaplens', 'track', true);
// BENCH_COMPARE=<git ref>[,<ref>...]: the same tracked suite with heaplens built from those commits (see bench/compare-ref.mjs).
const compared = comparedProjects((short) => makeProject(`bench-jest-heaplens-${short}`, 'track')).map(({ short, dir }) => ({ name: `heaplens@${short}`, run: () => timeRun(dir, []) }));
const variants = [
  { name: 'baseline', run: () => timeRun(baselineDir, []) },
  { name: 'logHeapUsage', run: () => timeRun(baselineDir, ['--logHeapUsage']) },
  { name: 'detectLeaks', run: () => timeRun(baselineDir, ['--detectLeaks'], {}, countFalsePositives) },
  { name: 'envCheck', run: () => timeRun(envDir, []) },
  { name: 'floor', run: () => timeRun(floorDir, []) },
  { name: 'heaplens', run: () => timeRun(trackDir, []) },
  ...compared,
  { name: 'leaky:baseline', run: () => timeRun(leakyBaselineDir, []) },
  { name: 'heavy:baseline', run: () => timeRun(heavyBaselineDir, []) },
  { name: 'heavy:floor', run: () => timeRun(heavyFloorDir, []) },
  { name: 'heavy:heaplens', run: () => timeRun(heavyTrackDir, []) },
];
// BENCH_ONLY=baseline,heaplens,...: run only those variants (an A/B with more runs); snapshots only when named.
const only = process.env.BENCH_ONLY?.split(',');
const chosen = only ? variants.filter((v) => only.includes(v.name) || (v.name.startsWith('heaplens@') && only.includes('compare'))) : variants;
timeRun(baselineDir, []); // warm Jest's transform cache once
if (chosen.some((v) => v.name.startsWith('heavy:'))) timeRun(heavyBaselineDir, []);
const times = Object.fromEntries(chosen.map((v) => [v.name, []]));
for (let r = 0; r < RUNS; r += 1) for (const v of chosen) times[v.name].push(v.run());
const snapshotVariants =
  !only || only.includes('snapshots') ? runSnapshotVariants((dir, args) => timeCommand(node, [cli, ...args, '--', node, jest, '--ci', '-w', WORKERS], dir), { trackDir, leakyDir }) : null;
if (snapshotVariants) Object.assign(times, snapshotVariants.times);

printTimes(`heaplens overhead on Jest: ${FILES} test files, 80 tracked describes, 400 tests, ${WORKERS} workers (heavy: ${BALLAST_MB} MB more each), ${cpus().length} cores, Node ${process.version}`, RUNS, times);
for (const line of snapshotVariants?.figures ?? []) console.log(line);
if (times.detectLeaks) console.log(`detectLeaks: ${detectLeaksFalsePositives} false positive${detectLeaksFalsePositives === 1 ? '' : 's'} (files it failed that do not leak) in ${times.detectLeaks.length} runs`);
