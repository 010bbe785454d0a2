// `npm run bench:ts-jest`: heap snapshots on a ts-jest project (fixtures/jest-ts),
// where the worker has TypeScript's 9 MB compiler loaded. Runs, in the same session,
//   baseline      Jest alone
//   heaplens      withHeaplens() + trackHeap(), no snapshots
//   snapshots     `heaplens --heap-snapshots` (the CLI: a run without snapshots, then the leaking file
//                 again with them; line ends cached before each snapshot)
//   snapshotsAll  HEAPLENS_SNAPSHOTS=1 in one run (every scope snapshotted)
//   snapshots@<sha>  BENCH_COMPARE=<ref>: heaplens built from that commit, with snapshots
//                 (5a288a2 is the last build that did not cache line ends)
// and prints wall times (median of RUNS; snapshot variants once) and ratios against the baseline.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ENVS_DIR, ROOT, envNode, packHeaplens, prepareEnv } from './envs.mjs';
import { comparedProjects } from './bench/compare-ref.mjs';
import { printTimes, snapshotFigures, timeCommand } from './bench/suite.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const env = prepareEnv('jest-30', packHeaplens());
const node = envNode(env);
const jest = join(env, 'node_modules', 'jest', 'bin', 'jest.js');

function makeProject(name, tracked) {
  const dir = join(ENVS_DIR, 'jest-30', 'projects', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'fixtures', 'jest-ts'), dir, { recursive: true });
  if (!tracked) {
    writeFileSync(join(dir, 'jest.config.js'), "module.exports = { testMatch: ['<rootDir>/test/**/*.test.ts'], transform: { '^.+\\\\.ts$': ['ts-jest', { diagnostics: false }] } };\n");
    writeFileSync(join(dir, 'test', 'audit.test.ts'), "import { record } from '../src/audit';\ndescribe('audit log', () => {\n  for (let t = 0; t < 6; t += 1) it(`records batch ${t}`, () => { for (let i = 0; i < 10; i += 1) record(t * 10 + i); });\n});\n");
  }
  return dir;
}

function timeRun(dir, extraEnv = {}) {
  return timeCommand(node, [jest, '--ci'], dir, extraEnv);
}

const baselineDir = makeProject('bench-ts-baseline', false);
const trackDir = makeProject('bench-ts-heaplens', true);
const compared = comparedProjects((short) => makeProject(`bench-ts-heaplens-${short}`, true)).map(({ short, dir }) => ({ name: `snapshots@${short}`, dir }));

timeRun(baselineDir); // warm ts-jest's cache once
const times = { baseline: [], heaplens: [] };
for (let r = 0; r < RUNS; r += 1) {
  times.baseline.push(timeRun(baselineDir));
  times.heaplens.push(timeRun(trackDir));
}
const cli = join(env, 'node_modules', 'heaplens', 'dist', 'cli.js');
const figures = [];
times.snapshots = [timeCommand(node, [cli, '--heap-snapshots', '--', node, jest, '--ci'], trackDir)];
figures.push(snapshotFigures('snapshots', trackDir));
times.snapshotsAll = [timeRun(trackDir, { HEAPLENS_SNAPSHOTS: '1' })];
figures.push(snapshotFigures('snapshotsAll', trackDir));
for (const { name, dir } of compared) times[name] = [timeRun(dir, { HEAPLENS_SNAPSHOTS: '1' })];

printTimes(`heaplens on a ts-jest project (fixtures/jest-ts: 1 file, 6 tests, TypeScript loaded in the worker), ${cpus().length} cores, Node ${process.version}`, RUNS, times);
for (const line of figures) if (line) console.log(line);
