// `npm run demo`: runs heaplens the way a CI job would, on the bundled fixture
// projects, with the packed package installed next to the real runners:
//   heaplens --heap-snapshots -- vitest run --pool=threads   (fixtures/vitest-leaks)
//   heaplens --heap-snapshots -- jest -w 2                   (fixtures/jest-leaks)
// `npm run demo -- vitest` or `npm run demo -- jest` runs one of them.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ENVS_DIR, ROOT, envNode, packHeaplens, prepareEnv } from './envs.mjs';

const DEMOS = {
  vitest: {
    env: 'vitest-4',
    fixture: 'vitest-leaks',
    command: (env) => [join(env, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--pool=threads'],
    shown: 'vitest run --pool=threads',
    expected: '5 suites are flagged, 7 clean ones are not.',
  },
  jest: {
    env: 'jest-30',
    fixture: 'jest-leaks',
    command: (env) => [join(env, 'node_modules', 'jest', 'bin', 'jest.js'), '-w', '2'],
    shown: 'jest -w 2',
    expected: '5 suites are flagged, 9 clean ones are not, and 3 files whose environment stays alive are listed with what holds it.',
  },
};

const wanted = process.argv[2] ? [process.argv[2]] : Object.keys(DEMOS);
const unknown = wanted.filter((name) => !(name in DEMOS));
if (unknown.length > 0) {
  console.error(`demo: unknown demo '${unknown[0]}'; use one of: ${Object.keys(DEMOS).join(', ')}`);
  process.exit(2);
}

const tarball = packHeaplens();
let status = 0;
for (const name of wanted) {
  const demo = DEMOS[name];
  const env = prepareEnv(demo.env, tarball);
  const project = join(ENVS_DIR, demo.env, 'projects', 'demo');
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  cpSync(join(ROOT, 'fixtures', demo.fixture), project, { recursive: true });
  const node = envNode(env);
  const cli = join(env, 'node_modules', 'heaplens', 'dist', 'cli.js');
  console.log(`\n$ heaplens --heap-snapshots -- ${demo.shown}   (in ${project})\n`);
  const run = spawnSync(node, [cli, '--heap-snapshots', '--', node, ...demo.command(env)], {
    cwd: project,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: process.env.NO_COLOR ? '0' : '1' },
  });
  console.log(`\nThe ${demo.fixture} fixture leaks on purpose: ${demo.expected}`);
  console.log(`report.json and the snapshots: ${join(project, '.heaplens')}`);
  status = Math.max(status, run.status ?? 1);
}
process.exitCode = status;
