import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli/args.js';

function errorMessage(argv: string[]): string {
  const result = parseCliArgs(argv);
  if (result.kind !== 'error') throw new Error(`expected an error, got ${result.kind}`);
  return result.message;
}

describe('parseCliArgs', () => {
  it('asks for help', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--help', '--', 'npx', 'vitest'])).toEqual({ kind: 'help' });
  });

  it('asks for the version', () => {
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseCliArgs(['-v'])).toEqual({ kind: 'version' });
  });

  it('runs the command after --', () => {
    expect(parseCliArgs(['--', 'npx', 'vitest', 'run'])).toEqual({
      kind: 'run',
      snapshots: false,
      repeat: false,
      failOnLeak: false,
      outDir: undefined,
      keepSnapshots: undefined,
      command: ['npx', 'vitest', 'run'],
    });
  });

  it('reads its own options and passes everything after -- through', () => {
    expect(
      parseCliArgs(['--heap-snapshots', '--keep-snapshots', 'all', '--heap-repeat', '--fail-on-leak', '--out-dir', 'out', '--', 'npx', 'vitest', '--help', '--', 'x']),
    ).toEqual({
      kind: 'run',
      snapshots: true,
      repeat: true,
      failOnLeak: true,
      outDir: 'out',
      keepSnapshots: 'all',
      command: ['npx', 'vitest', '--help', '--', 'x'],
    });
  });

  it('takes flagged or all for --keep-snapshots, and says so otherwise', () => {
    expect(errorMessage(['--keep-snapshots', 'some', '--', 'npx', 'jest'])).toBe("--keep-snapshots takes flagged or all (got 'some')");
  });

  it('needs a command', () => {
    expect(errorMessage([])).toMatch(/^nothing to run: put the test command after '--'/);
    expect(errorMessage(['--heap-snapshots', '--'])).toMatch(/^nothing to run/);
  });

  it('refuses a positional before --', () => {
    expect(errorMessage(['npx', 'vitest'])).toBe(
      "unexpected 'npx': put the test command after '--', e.g. heaplens --heap-snapshots -- npx vitest run",
    );
  });

  it('refuses unknown options in one line that points to --help', () => {
    const message = errorMessage(['--snapshots', '--', 'npx', 'vitest']);
    expect(message).toContain('--snapshots');
    expect(message).toContain("Run 'heaplens --help' for the options.");
    expect(message).not.toContain('\n');
  });

  it('refuses --out-dir without a value', () => {
    expect(errorMessage(['--out-dir=', '--', 'npx'])).toBe('--out-dir needs a directory, e.g. --out-dir .heaplens');
    expect(errorMessage(['--out-dir', '  ', '--', 'npx'])).toBe('--out-dir needs a directory, e.g. --out-dir .heaplens');
    expect(errorMessage(['--out-dir', '--', 'npx'])).toContain("Run 'heaplens --help' for the options.");
  });
});

describe('parseCliArgs: diff and inspect', () => {
  it('parses diff with --top and --json', () => {
    expect(parseCliArgs(['diff', 'a.heapsnapshot', 'b.heapsnapshot', '--top', '3', '--json'])).toEqual({
      kind: 'diff',
      before: 'a.heapsnapshot',
      after: 'b.heapsnapshot',
      top: 3,
      json: true,
    });
  });

  it('parses inspect with defaults', () => {
    expect(parseCliArgs(['inspect', 'a.heapsnapshot'])).toEqual({ kind: 'inspect', file: 'a.heapsnapshot', top: 10, json: false });
  });

  it('rejects a wrong number of files, a bad --top and unknown options, in one line', () => {
    expect(parseCliArgs(['inspect'])).toEqual({
      kind: 'error',
      message: 'inspect takes 1 snapshot file (got 0): heaplens inspect <snapshot.heapsnapshot>',
    });
    expect(parseCliArgs(['diff', 'a', 'b', '--top', 'many'])).toEqual({
      kind: 'error',
      message: "--top needs a whole number of rows, e.g. --top 10 (got 'many')",
    });
    const unknown = parseCliArgs(['diff', 'a', 'b', '--deep']);
    expect(unknown.kind).toBe('error');
    expect((unknown as { message: string }).message).toMatch(/^Unknown option '--deep'.*heaplens --help/);
  });
});
