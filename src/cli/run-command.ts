import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ENV } from '../core/env.js';

export interface RunSettings {
  readonly command: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export type RunOutcome =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals; readonly code: number }
  | { readonly kind: 'not-found'; readonly message: string };

/** Environment for the test command: heaplens settings on top of the caller's. */
export function commandEnv(
  base: NodeJS.ProcessEnv,
  settings: { snapshots: boolean; repeat?: boolean; failOnLeak: boolean; outDir: string | undefined; keepSnapshots?: string; handshake: string },
): NodeJS.ProcessEnv {
  return {
    ...base,
    ...(settings.snapshots ? { [ENV.snapshots]: '1' } : {}),
    ...(settings.repeat ? { [ENV.repeat]: '1' } : {}),
    ...(settings.failOnLeak ? { [ENV.failOnLeak]: '1' } : {}),
    ...(settings.outDir ? { [ENV.outDir]: settings.outDir } : {}),
    ...(settings.keepSnapshots ? { [ENV.keepSnapshots]: settings.keepSnapshots } : {}),
    [ENV.handshake]: settings.handshake,
  };
}

/**
 * Runs the command with inherited stdio and resolves with how it ended.
 * SIGTERM and SIGHUP are forwarded; SIGINT reaches the child from the terminal
 * itself, so heaplens only waits for it.
 */
export function runCommand(settings: RunSettings): Promise<RunOutcome> {
  const [file, ...args] = settings.command;
  return new Promise((resolve) => {
    const child = spawn(file!, args, { stdio: 'inherit', env: settings.env, cwd: settings.cwd });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = new Map<NodeJS.Signals, () => void>([
      ['SIGTERM', forward('SIGTERM')],
      ['SIGHUP', forward('SIGHUP')],
      ['SIGINT', () => undefined],
    ]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = (outcome: RunOutcome) => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(outcome);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'ENOENT'
          ? `cannot run '${file}': command not found (is it installed and on PATH?)`
          : `cannot run '${file}': ${error.message}`;
      done({ kind: 'not-found', message });
    });
    child.once('exit', (code, signal) => {
      if (signal) done({ kind: 'signal', signal, code: 128 + (constants.signals[signal] ?? 0) });
      else done({ kind: 'exited', code: code ?? 1 });
    });
  });
}
