import { parseArgs, type ParseArgsConfig } from 'node:util';

export const USAGE = `Usage:
  heaplens [--heap-snapshots] [--keep-snapshots flagged|all] [--heap-repeat] [--out-dir DIR] [--fail-on-leak] -- <test command...>
  heaplens diff <before.heapsnapshot> <after.heapsnapshot> [--top N] [--json]
  heaplens inspect <snapshot.heapsnapshot> [--top N] [--json]

Runs the test command (e.g. npx vitest run, npx jest) with heaplens settings
in its environment, passes its output and exit code through, and says where
the report is. The test config must already use heaplens (heaplens() in
vitest.config plugins, or withHeaplens() around the Jest config).

diff lists what the after snapshot has that the before one had not: the
classes of new objects still reachable (culprits), ranked by what they keep
alive, each with its retainer path, then the Comparison by class. inspect
prints the Summary by class of one snapshot.

Options:
  --top N            diff/inspect: how many rows (default 10)
  --json             diff/inspect: print JSON instead of text
  --heap-snapshots   write a before/after .heapsnapshot per tracked scope
  --keep-snapshots W which to keep: flagged (default: pairs of scopes not ok, retained environments) or all
  --heap-repeat      run the tests of scopes with fewer than 3 tests again, to judge them by repetition
  --out-dir DIR      where report.json and snapshots go (default .heaplens)
  --fail-on-leak     exit 1 when any tracked scope leaks, even if tests passed
  -h, --help         show this help
  -v, --version      print the version`;

export type CliCommand =
  | { readonly kind: 'diff'; readonly before: string; readonly after: string; readonly top: number; readonly json: boolean }
  | { readonly kind: 'inspect'; readonly file: string; readonly top: number; readonly json: boolean }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'run';
      readonly snapshots: boolean;
      readonly repeat: boolean;
      readonly failOnLeak: boolean;
      readonly outDir: string | undefined;
      readonly keepSnapshots: 'flagged' | 'all' | undefined;
      readonly command: readonly string[];
    };

const OPTIONS = {
  'heap-snapshots': { type: 'boolean' },
  'heap-repeat': { type: 'boolean' },
  'out-dir': { type: 'string' },
  'keep-snapshots': { type: 'string' },
  'fail-on-leak': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const ENGINE_OPTIONS = {
  top: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** node:util parseArgs, with its error turned into a one-line CliCommand error. */
function parseStrict<T extends ParseArgsConfig['options']>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'invalid arguments';
    return { kind: 'error', message: `${message}. Run 'heaplens --help' for the options.` } as const;
  }
}

/** `heaplens diff …` and `heaplens inspect …`. */
function parseEngineCommand(kind: 'diff' | 'inspect', args: readonly string[]): CliCommand {
  const parsed = parseStrict(args, ENGINE_OPTIONS);
  if ('kind' in parsed) return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) return { kind: 'error', message: `--top needs a whole number of rows, e.g. --top 10 (got '${values.top}')` };
  const json = values.json ?? false;
  const wanted = kind === 'diff' ? 2 : 1;
  if (positionals.length !== wanted) {
    const usage = kind === 'diff' ? 'heaplens diff <before.heapsnapshot> <after.heapsnapshot>' : 'heaplens inspect <snapshot.heapsnapshot>';
    return { kind: 'error', message: `${kind} takes ${wanted} snapshot file${wanted === 1 ? '' : 's'} (got ${positionals.length}): ${usage}` };
  }
  return kind === 'diff'
    ? { kind, before: positionals[0]!, after: positionals[1]!, top, json }
    : { kind, file: positionals[0]!, top, json };
}

/** Parses `heaplens` arguments (without `node` and the script). Never throws. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  if (argv[0] === 'diff' || argv[0] === 'inspect') return parseEngineCommand(argv[0], argv.slice(1));
  const dashDash = argv.indexOf('--');
  const own = dashDash === -1 ? argv : argv.slice(0, dashDash);
  const command = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  const parsed = parseStrict(own, OPTIONS);
  if ('kind' in parsed) return parsed;
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length > 0) {
    return {
      kind: 'error',
      message: `unexpected '${positionals[0]}': put the test command after '--', e.g. heaplens --heap-snapshots -- npx vitest run`,
    };
  }
  if (values['out-dir'] !== undefined && values['out-dir'].trim() === '') {
    return { kind: 'error', message: "--out-dir needs a directory, e.g. --out-dir .heaplens" };
  }
  const keep = values['keep-snapshots'];
  if (keep !== undefined && keep !== 'flagged' && keep !== 'all') {
    return { kind: 'error', message: `--keep-snapshots takes flagged or all (got '${keep}')` };
  }
  if (command.length === 0) {
    return {
      kind: 'error',
      message: "nothing to run: put the test command after '--', e.g. heaplens --heap-snapshots -- npx vitest run",
    };
  }
  return {
    kind: 'run',
    snapshots: values['heap-snapshots'] ?? false,
    repeat: values['heap-repeat'] ?? false,
    failOnLeak: values['fail-on-leak'] ?? false,
    outDir: values['out-dir'],
    keepSnapshots: keep,
    command,
  };
}
