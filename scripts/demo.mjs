// `npm run demo`: runs heaplens the way a CI job would, on the bundled
// fixture project (fixtures/vitest-leaks), with the packed package installed
// next to a real Vitest: `heaplens --heap-snapshots -- vitest run`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ENVS_DIR, ROOT, envNode, packHeaplens, prepareEnv } from './envs.mjs';

const pool = process.argv[2] ?? 'threads';
const env = prepareEnv('vitest-4', packHeaplens());
const project = join(ENVS_DIR, 'vitest-4', 'projects', 'demo');
rmSync(project, { recursive: true, force: true });
mkdirSync(project, { recursive: true });
cpSync(join(ROOT, 'fixtures', 'vitest-leaks'), project, { recursive: true });

const node = envNode(env);
const cli = join(env, 'node_modules', 'heaplens', 'dist', 'cli.js');
const vitest = join(env, 'node_modules', 'vitest', 'vitest.mjs');
console.log(`$ heaplens --heap-snapshots -- vitest run --pool=${pool}   (in ${project})\n`);
const run = spawnSync(node, [cli, '--heap-snapshots', '--', node, vitest, 'run', `--pool=${pool}`], {
  cwd: project,
  stdio: 'inherit',
  env: { ...process.env, FORCE_COLOR: process.env.NO_COLOR ? '0' : '1' },
});
console.log(`\nThe fixture leaks on purpose: 5 suites are flagged, 7 clean ones are not.`);
console.log(`report.json and the snapshot pairs: ${join(project, '.heaplens')}`);
process.exitCode = run.status ?? 1;
