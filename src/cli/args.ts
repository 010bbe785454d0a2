import { parseArgs } from 'node:util';

export const USAGE = `Usage:
  heaplens [--heap-snapshots] [--out-dir DIR] [--fail-on-leak] -- <test command...>

Runs the test command (e.g. npx vitest run) with heaplens settings in its
environment, passes its output and exit code through, and says where the
report is. The test config must already use heaplens (heaplens() in
vitest.config plugins).

Options:
  --heap-snapshots   write a before/after .heapsnapshot per tracked scope
  --out-dir DIR      where report.json and snapshots go (default .heaplens)
  --fail-on-leak     exit 1 when any tracked scope leaks, even if tests passed
  -h, --help         show this help
  -v, --version      print the version`;

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'run';
      readonly snapshots: boolean;
      readonly failOnLeak: boolean;
      readonly outDir: string | undefined;
      readonly command: readonly string[];
    };

const OPTIONS = {
  'heap-snapshots': { type: 'boolean' },
  'out-dir': { type: 'string' },
  'fail-on-leak': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Parses `heaplens` arguments (without `node` and the script). Never throws. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const dashDash = argv.indexOf('--');
  const own = dashDash === -1 ? argv : argv.slice(0, dashDash);
  const command = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  let parsed;
  try {
    parsed = parseArgs({ args: [...own], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'invalid arguments';
    return { kind: 'error', message: `${message}. Run 'heaplens --help' for the options.` };
  }
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
  if (command.length === 0) {
    return {
      kind: 'error',
      message: "nothing to run: put the test command after '--', e.g. heaplens --heap-snapshots -- npx vitest run",
    };
  }
  return {
    kind: 'run',
    snapshots: values['heap-snapshots'] ?? false,
    failOnLeak: values['fail-on-leak'] ?? false,
    outDir: values['out-dir'],
    command,
  };
}
