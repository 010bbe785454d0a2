// `npm run flake`: are verdicts stable from run to run? Runs the Vitest and the
// Jest fixture projects N times each (default 10), two runs at a time (load, as
// on a busy CI machine), and prints, per scope, how many runs gave each verdict
// and each leak site. Zero changes is the bar: exits 1 when any scope changed.
//   node scripts/flake.mjs [runs]
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ENVS_DIR, ROOT, envNode, packHeaplens, prepareEnv } from './envs.mjs';

const RUNS = Number(process.argv[2] ?? 10);
const PARALLEL = 2;

const PROJECTS = [
  { env: 'vitest-4', fixture: 'vitest-kinds', args: (env) => [join(env, 'node_modules', 'vitest', 'vitest.mjs'), 'run'] },
  { env: 'vitest-4', fixture: 'vitest-leaks', args: (env) => [join(env, 'node_modules', 'vitest', 'vitest.mjs'), 'run'] },
  { env: 'vitest-5', fixture: 'vitest-kinds', args: (env) => [join(env, 'node_modules', 'vitest', 'vitest.mjs'), 'run'] },
  { env: 'jest-30', fixture: 'jest-kinds', args: (env) => [join(env, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '-w', '2'] },
  { env: 'jest-30', fixture: 'jest-leaks', args: (env) => [join(env, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '-w', '2'] },
  // With snapshots: the same verdicts, and each leak's first culprit.
  { env: 'vitest-4', fixture: 'vitest-kinds', snapshots: true, args: (env) => [join(env, 'node_modules', 'vitest', 'vitest.mjs'), 'run'] },
  { env: 'jest-30', fixture: 'jest-kinds', snapshots: true, args: (env) => [join(env, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '-w', '2'] },
];

/** A project's name in the table: the fixture, and `+snapshots` for the runs with snapshots on. */
const nameOf = (project) => `${project.env}/${project.fixture}${project.snapshots ? '+snapshots' : ''}`;

/** A leak's first culprit and where it was allocated (or held), or nothing without snapshots. */
const culpritOf = (scope) => {
  const first = scope.culprits?.[0];
  return first ? ` first culprit ${first.name} at ${first.site ?? `(held in ${first.heldIn})`}` : '';
};

/** The site a leak's reason names ("allocated at src/a.ts:4:17 (f())"), or '-'. */
const siteOf = (reason) => /allocated at (\S+)/.exec(reason)?.[1] ?? '-';

function runOnce(project, dir, envDir) {
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: '1', ...(project.snapshots ? { HEAPLENS_SNAPSHOTS: '1' } : {}) };
    const child = spawn(envNode(envDir), project.args(envDir), { cwd: dir, stdio: 'ignore', env });
    child.on('exit', (code) => {
      try {
        const report = JSON.parse(readFileSync(join(dir, '.heaplens', 'report.json'), 'utf8'));
        const scopes = report.scopes.map((s) => ({ key: `${nameOf(project)} ${s.file} :: ${s.suite}`, outcome: `${s.verdict} ${siteOf(s.reason)}${culpritOf(s)}` }));
        resolve({ code, scopes });
      } catch (error) {
        resolve({ code, scopes: [], error: `${nameOf(project)}: no report (${error.message})` });
      }
    });
  });
}

const tarball = packHeaplens();
const envDirs = new Map(PROJECTS.map((p) => [p.env, prepareEnv(p.env, tarball)]));
const jobs = [];
for (let run = 0; run < RUNS; run += 1) for (const project of PROJECTS) jobs.push({ project, run });

const outcomes = new Map();
const problems = [];
const started = Date.now();
async function worker() {
  for (let job = jobs.shift(); job; job = jobs.shift()) {
    const envDir = envDirs.get(job.project.env);
    const dir = join(ENVS_DIR, job.project.env, 'projects', `flake-${nameOf(job.project).replace("/", "-")}-${job.run}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(join(ROOT, 'fixtures', job.project.fixture), dir, { recursive: true });
    const result = await runOnce(job.project, dir, envDir);
    rmSync(dir, { recursive: true, force: true });
    if (result.error) problems.push(result.error);
    for (const { key, outcome } of result.scopes) {
      const counts = outcomes.get(key) ?? new Map();
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
      outcomes.set(key, counts);
    }
    process.stderr.write('.');
  }
}
await Promise.all(Array.from({ length: PARALLEL }, worker));
process.stderr.write('\n');

let changed = 0;
const width = Math.max(...[...outcomes.keys()].map((k) => k.length));
for (const [key, counts] of [...outcomes].sort(([a], [b]) => a.localeCompare(b))) {
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `${n}× ${outcome}`);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total < RUNS) parts.push(`${RUNS - total}× missing`);
  const stable = counts.size === 1 && total === RUNS;
  if (!stable) changed += 1;
  console.log(`${stable ? 'stable ' : 'CHANGED'}  ${key.padEnd(width)}  ${parts.join(', ')}`);
}
for (const problem of problems) console.log(`problem: ${problem}`);
console.log(
  `\n${outcomes.size} scopes, ${RUNS} runs of each of ${PROJECTS.length} projects (${PARALLEL} at a time), ` +
    `${changed} changed; ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
process.exitCode = changed > 0 || problems.length > 0 ? 1 : 0;
