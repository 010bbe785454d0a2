import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The generated test suite both overhead benchmarks run (Vitest and Jest), and
// how they report: one file body per module, median, a table of ratios.

/** Two tracked describes of five tests each; `header` imports describe/it/expect and `track`. */
export function testFileBody(i, header) {
  return `${header}
const cache = new Map();

describe('module ${i} parsing', () => {
  track();
  for (let t = 0; t < 5; t += 1) {
    it('parses batch ' + t, () => {
      const rows = Array.from({ length: 20_000 }, (_, r) => ({ id: r, name: 'row ' + r, score: (r * 7919) % 1000 }));
      rows.sort((a, b) => a.score - b.score);
      expect(rows.length).toBe(20_000);
    });
  }
});

describe('module ${i} caching', () => {
  track();
  for (let t = 0; t < 5; t += 1) {
    it('caches batch ' + t, () => {
      cache.set(t, Array.from({ length: 1_000 }, (_, r) => r));
      expect(cache.size).toBeGreaterThan(0);
    });
  }
});
`;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Prints each variant's median wall time and its ratio to its baseline:
 * `baseline`, or for a variant named `<group>:<name>` (e.g. `heavy:heaplens`), `<group>:baseline`.
 */
export function printTimes(title, runs, times) {
  // NaN (printed as such) when BENCH_ONLY left the variant's baseline out.
  const baseOf = (name) => {
    const group = name.includes(':') ? name.slice(0, name.indexOf(':') + 1) : '';
    const base = times[`${group}baseline`] ?? times.baseline;
    return base ? median(base) : Number.NaN;
  };
  console.log(title);
  console.log(`median of ${runs} runs (snapshots: 1 run)\n`);
  console.log(`${'variant'.padEnd(22)}${'wall s'.padStart(8)}${'ratio'.padStart(8)}  runs`);
  for (const [name, xs] of Object.entries(times)) {
    const m = median(xs);
    console.log(`${name.padEnd(22)}${m.toFixed(2).padStart(8)}${(m / baseOf(name)).toFixed(2).padStart(7)}x  ${xs.map((x) => x.toFixed(2)).join(' ')}`);
  }
}

/**
 * Runs `node args` in `cwd` and returns its wall time in seconds; a failed run throws with its output,
 * unless `tolerate(output)` says the failure is the variant's own verdict (then it is counted in `tolerated`).
 */
export function timeCommand(node, args, cwd, extraEnv = {}, tolerate = null) {
  const started = performance.now();
  const result = spawnSync(node, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...extraEnv } });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`;
    if (!tolerate?.(output)) throw new Error(`run failed in ${cwd}:\n${output}`);
  }
  return seconds;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Right after a snapshots variant: what its report.json says it wrote, kept, and what the analysis worker used at most (a line, or null). */
export function snapshotFigures(label, dir) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(dir, '.heaplens', 'report.json'), 'utf8'));
  } catch {
    return null;
  }
  const { snapshotFiles: f, analysis: a } = report;
  if (!f || !a) return null;
  const leaks = report.scopes.filter((s) => s.verdict === 'leak').length;
  return (
    `${label}: ${leaks} leaking scope${leaks === 1 ? '' : 's'}, ${f.written} snapshot files written (${mb(f.writtenBytes)}), ${f.kept} kept (${mb(f.keptBytes)}, keepSnapshots '${f.keep}'); ` +
    `analysis worker peak ${mb(a.peakBytes)} over ${a.jobs} jobs`
  );
}

/**
 * The snapshot variants, each run once through the heaplens CLI, as in CI:
 *   snapshots          `heaplens --heap-snapshots` on the tracked suite (nothing leaks: one run, no snapshot)
 *   leaky:snapshots    the same on the suite with LEAKY_FILES leaking files (the first run, then those files again with snapshots)
 *   snapshotsAll       `--keep-snapshots all`: one run that snapshots every scope (what 'flagged' cost before it ran twice)
 * Returns their times and a figures line each.
 */
export function runSnapshotVariants(runCli, { trackDir, leakyDir }) {
  const times = {};
  const figures = [];
  for (const [name, dir, args] of [
    ['snapshots', trackDir, ['--heap-snapshots']],
    ['leaky:snapshots', leakyDir, ['--heap-snapshots']],
    ['snapshotsAll', trackDir, ['--heap-snapshots', '--keep-snapshots', 'all']],
  ]) {
    times[name] = [runCli(dir, args)];
    figures.push(snapshotFigures(name, dir));
  }
  return { times, figures: figures.filter(Boolean) };
}

/** Files of the leaky suite that leak: their caching describe keeps ~1.3 MB more per test in a module-level array. */
export const LEAKY_FILES = 2;

/** testFileBody, with the caching describe leaking (a module-level array that only grows). */
export function leakyFileBody(i, header) {
  return testFileBody(i, header)
    .replace('const cache = new Map();', 'const cache = new Map();\nconst kept = [];')
    .replace(
      'cache.set(t, Array.from({ length: 1_000 }, (_, r) => r));',
      'cache.set(t, Array.from({ length: 1_000 }, (_, r) => r));\n      kept.push(Array.from({ length: 40_000 }, (_, r) => ({ r })));',
    );
}

/**
 * The floor: what heaplens cannot do without, and nothing else, as a setup file run before each test
 * file. It samples allocations at heaplens' interval (8 KiB, src/core/allocation-sampler.ts) from the
 * file's start and reads the sampling profile once at its end, which makes V8 run one full GC (the
 * inspector reads the profile only after a forced GC). No verdicts, markers, records or environment
 * check. heaplens' time over this one is what its own work costs; this one's over the baseline is the
 * price of the design (a sampled allocation costs a few microseconds, a full GC marks the whole heap).
 */
export function floorSetupSource(runner) {
  const imports =
    runner === 'vitest'
      ? "import inspector from 'node:inspector';\nimport { afterAll } from 'vitest';\n"
      : "const inspector = require('node:inspector');\n";
  return `${imports}// The floor of tracking (scripts/bench/suite.mjs): sampling + one profile read per test file.
const session = new inspector.Session();
session.connect();
session.post('HeapProfiler.startSampling', { samplingInterval: 8192 });
afterAll(
  () =>
    new Promise((resolve, reject) => {
      session.post('HeapProfiler.getSamplingProfile', (error) => {
        session.disconnect();
        if (error) reject(error);
        else resolve();
      });
    }),
);
`;
}
