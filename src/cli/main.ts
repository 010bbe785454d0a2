#!/usr/bin/env node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { diffSnapshots, HeapSnapshotError, inspectSnapshot } from '../engine/index.js';
import { frameContextOf } from '../core/frames.js';
import { HEAPLENS_VERSION } from '../version.js';
import { parseCliArgs, USAGE } from './args.js';
import { renderDiff, renderSummary } from '../report/render-engine.js';
import { runTests } from './run-tests.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

const out = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);

/** `heaplens diff` / `heaplens inspect`: a bad snapshot is one line and exit 2. */
async function engineCommand(cli: Extract<ReturnType<typeof parseCliArgs>, { kind: 'diff' | 'inspect' }>): Promise<number> {
  const colors = pc.createColors(pc.isColorSupported);
  try {
    if (cli.kind === 'diff') {
      // Whose code holds an object is judged against the current folder as the project root.
      const context = frameContextOf(process.cwd(), fileURLToPath(new URL('.', import.meta.url)));
      const diff = await diffSnapshots(cli.before, cli.after, { top: cli.top, context });
      if (cli.json) out([JSON.stringify(diff, null, 2)]);
      else out(renderDiff(diff, cli.top, colors));
    } else {
      const summary = await inspectSnapshot(cli.file);
      if (cli.json) out([JSON.stringify({ ...summary, classes: summary.classes.slice(0, cli.top) }, null, 2)]);
      else out(renderSummary(summary, cli.top, colors));
    }
    return 0;
  } catch (error) {
    if (error instanceof HeapSnapshotError) {
      say(pc.red(`heaplens: ${error.message}`));
      return 2;
    }
    throw error;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const cli = parseCliArgs(argv);
  switch (cli.kind) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
      process.stdout.write(`${HEAPLENS_VERSION}\n`);
      return 0;
    case 'error':
      say(pc.red(`heaplens: ${cli.message}`));
      return 2;
    case 'diff':
    case 'inspect':
      return engineCommand(cli);
    case 'run':
      break;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'heaplens-'));
  try {
    const { outcome, handshake } = await runTests(cli, workDir);
    if (outcome.kind === 'not-found') {
      say(pc.red(`heaplens: ${outcome.message}`));
      return 127;
    }
    if (!handshake) {
      if (outcome.code === 0) {
        say(
          pc.red(
            'heaplens: the command passed but heaplens did not run in it: add heaplens() from ' +
              "'heaplens/vitest' to `plugins` in your vitest.config, or wrap your Jest config with withHeaplens() from 'heaplens/jest'.",
          ),
        );
        return 1;
      }
      return outcome.code;
    }
    const environments = handshake.retainedEnvironments ?? 0;
    // The reporter fails the run itself when failOnLeak reaches it (and said why above); this covers a run it did not fail.
    if (cli.failOnLeak && handshake.leaks + environments > 0 && outcome.code === 0) {
      const parts = [
        ...(handshake.leaks > 0 ? [`${handshake.leaks} tracked scope${handshake.leaks === 1 ? '' : 's'} leaked`] : []),
        ...(environments > 0 ? [`${environments} test environment${environments === 1 ? ' was' : 's were'} retained`] : []),
      ];
      say(pc.red(`heaplens: failing because ${parts.join(' and ')} (--fail-on-leak)`));
      return 1;
    }
    return outcome.code;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    say(`heaplens: internal error: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 70;
  },
);
