import type { Overrides } from './options.js';

/** Environment variables heaplens reads. The CLI sets them for the command it runs. */
export const ENV = {
  snapshots: 'HEAPLENS_SNAPSHOTS',
  failOnLeak: 'HEAPLENS_FAIL_ON_LEAK',
  outDir: 'HEAPLENS_OUT_DIR',
  repeat: 'HEAPLENS_REPEAT',
  keepSnapshots: 'HEAPLENS_KEEP_SNAPSHOTS',
  /** Where the reporter tells the `heaplens` CLI which report it wrote. */
  handshake: 'HEAPLENS_HANDSHAKE',
} as const;

/** The flag users pass after `--` (`vitest run -- --heap-snapshots`). */
export const SNAPSHOT_FLAG = '--heap-snapshots';

function flag(value: string | undefined): boolean | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  return !/^(0|false|no|off)$/i.test(text);
}

/** Overrides from the environment and from `-- --heap-snapshots` in argv. */
export function readOverrides(env: NodeJS.ProcessEnv, argv: readonly string[]): Overrides {
  const dashDash = argv.indexOf('--');
  const passed = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  const snapshots = passed.includes(SNAPSHOT_FLAG) ? true : flag(env[ENV.snapshots]);
  const failOnLeak = passed.includes('--fail-on-leak') ? true : flag(env[ENV.failOnLeak]);
  const outDir = env[ENV.outDir] || undefined;
  const repeat = passed.includes('--heap-repeat') ? true : flag(env[ENV.repeat]);
  const keepSnapshots = env[ENV.keepSnapshots]?.trim() || undefined;
  return {
    ...(snapshots === undefined ? {} : { snapshots }),
    ...(failOnLeak === undefined ? {} : { failOnLeak }),
    ...(outDir === undefined ? {} : { outDir }),
    ...(repeat === undefined ? {} : { repeat }),
    ...(keepSnapshots === undefined ? {} : { keepSnapshots }),
  };
}
