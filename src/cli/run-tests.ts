/**
 * `heaplens [--heap-snapshots] -- <test command>`: runs the test command and
 * prints the report once, at the end.
 *
 * With `--heap-snapshots` (keepSnapshots 'flagged', the default) the command
 * runs twice at most: first without snapshots, for the verdicts; then, only
 * when a scope leaked (or a retained environment went unexplained), once more
 * with snapshots on, HEAPLENS_FILES naming just those test files and
 * HEAPLENS_SNAPSHOT_SCOPES just their leaking scopes, for the culprits. Why: a snapshot pair can only be taken around a scope as it runs,
 * before its verdict is known, and writing one costs a second or so for a
 * 20 MB Jest worker heap (V8's snapshot generator; measured on this
 * project's bench, 0.85–1.2 s each). V8 has no cheap way to mark the heap
 * instead: `HeapProfiler.startTrackingHeapObjects` forces a full GC every
 * 50 ms while it is on and `stopTrackingHeapObjects` writes a whole snapshot,
 * and disabling the HeapProfiler clears the object ids a diff needs. So
 * snapshotting every scope to keep a few pairs cost 12–14x on Jest; running
 * the leaking files again costs what those files cost. The verdicts are the
 * first run's, so snapshots cannot change them; `--keep-snapshots all`
 * keeps the single run that snapshots every scope.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import pc from 'picocolors';
import { EXPLAIN_DIR, joinInside, SNAPSHOTS_DIR } from '../core/paths.js';
import { ENV } from '../core/env.js';
import { writeReport } from '../report/emit.js';
import { filesToExplain, mergeExplained, ranInWorkers, scopesToExplain, withoutExplanation } from '../report/merge-explained.js';
import { renderTerminal } from '../report/render-terminal.js';
import type { Report } from '../report/schema.js';
import type { CliCommand } from './args.js';
import { commandEnv, runCommand, type RunOutcome } from './run-command.js';

type RunCli = Extract<CliCommand, { kind: 'run' }>;

interface Handshake {
  readonly reportPath: string;
  readonly leaks: number;
  readonly retainedEnvironments?: number;
  readonly failure?: string | null;
}

interface Pass {
  readonly outcome: RunOutcome;
  readonly handshake: Handshake | null;
  readonly report: Report | null;
}

export interface TestsResult {
  readonly outcome: RunOutcome;
  /** What the reporter wrote, null when heaplens did not run in the command. */
  readonly handshake: Handshake | null;
  /** The report printed (and in report.json): the merged one after a second run. */
  readonly report: Report | null;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function runPass(command: readonly string[], env: NodeJS.ProcessEnv, handshakePath: string): Promise<Pass> {
  const outcome = await runCommand({ command, cwd: process.cwd(), env });
  const handshake = outcome.kind === 'not-found' ? null : await readJson<Handshake>(handshakePath);
  const report = handshake ? await readJson<Report>(handshake.reportPath) : null;
  return { outcome, handshake, report };
}

/** Moves the second run's snapshots into outDir's own folder (same relative paths) and removes its directory. */
async function adoptSnapshots(outDir: string): Promise<void> {
  const from = join(outDir, EXPLAIN_DIR, SNAPSHOTS_DIR);
  const to = join(outDir, SNAPSHOTS_DIR);
  const names = await readdir(from).catch(() => [] as string[]);
  if (names.length > 0) await mkdir(to, { recursive: true });
  for (const name of names) await rename(join(from, name), join(to, name));
  await rm(join(outDir, EXPLAIN_DIR), { recursive: true, force: true });
}

/** The leaking files once more, with snapshots; the merged report, or the first one with why there are no culprits. */
async function explain(cli: RunCli, first: Report, files: readonly string[], workDir: string): Promise<Report> {
  const leaks = first.scopes.filter((s) => s.verdict === 'leak').length;
  say(
    pc.dim(
      `heaplens: running ${files.length} test file${files.length === 1 ? '' : 's'} again with heap snapshots, ` +
        `for the culprits of ${leaks} leak${leaks === 1 ? '' : 's'} (the verdicts are this run's)`,
    ),
  );
  const listPath = join(workDir, 'files.json');
  await writeFile(listPath, JSON.stringify(files));
  const scopesPath = join(workDir, 'snapshot-scopes.json');
  await writeFile(scopesPath, JSON.stringify(scopesToExplain(first)));
  const handshakePath = join(workDir, 'explain-handshake.json');
  const env = {
    ...commandEnv(process.env, { snapshots: true, repeat: cli.repeat, failOnLeak: false, outDir: join(first.outDir, EXPLAIN_DIR), keepSnapshots: 'flagged', handshake: handshakePath }),
    [ENV.files]: listPath,
    [ENV.snapshotScopes]: scopesPath,
    [ENV.quiet]: '1',
    // Run the files the way the first run did (Jest would run a few fast files in band; see withHeaplens()).
    ...(ranInWorkers(first) ? { [ENV.inWorkers]: '1' } : {}),
  };
  const again = await runPass(cli.command, env, handshakePath);
  if (!again.report) {
    const how = again.outcome.kind === 'not-found' ? again.outcome.message : `it exited with ${again.outcome.code} without a report`;
    await rm(join(first.outDir, EXPLAIN_DIR), { recursive: true, force: true });
    return withoutExplanation(first, `the run with snapshots failed (${how})`);
  }
  await adoptSnapshots(first.outDir);
  const { report, unused } = mergeExplained(first, again.report);
  for (const path of unused) await rm(joinInside(first.outDir, path), { force: true });
  return report;
}

/** Prints the report where its runner's reporter prints: Vitest's logger writes stdout, Jest's reporters stderr. */
function printReport(report: Report, failure: string | null): void {
  const lines = renderTerminal(report, {
    colors: pc.createColors(pc.isColorSupported),
    displayOutDir: relative(process.cwd(), report.outDir) || '.',
  });
  if (failure) lines.push(pc.red(failure));
  if (lines.length === 0) return;
  (report.runner.name === 'vitest' ? process.stdout : process.stderr).write(`${lines.join('\n')}\n`);
}

/** Runs the test command (twice with `--heap-snapshots`, see above), writes the final report.json and prints it. */
export async function runTests(cli: RunCli, workDir: string): Promise<TestsResult> {
  const twoRuns = cli.snapshots && cli.keepSnapshots !== 'all';
  const handshakePath = join(workDir, 'handshake.json');
  const env = {
    ...commandEnv(process.env, { ...cli, snapshots: cli.snapshots && !twoRuns, handshake: handshakePath }),
    [ENV.quiet]: '1',
  };
  const first = await runPass(cli.command, env, handshakePath);
  if (!first.report || first.outcome.kind === 'signal') return first;
  const files = twoRuns ? filesToExplain(first.report) : [];
  const report = files.length > 0 ? await explain(cli, first.report, files, workDir) : twoRuns ? withoutExplanation(first.report, null) : first.report;
  if (report !== first.report) await writeReport(report.outDir, report);
  printReport(report, first.handshake?.failure ?? null);
  return { ...first, report };
}
