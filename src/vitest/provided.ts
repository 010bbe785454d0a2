import type { ResolvedOptions } from '../core/options.js';

/** What the plugin hands each worker through Vitest's `provide`/`inject`. */
export interface ProvidedHeaplens {
  readonly options: ResolvedOptions;
  /** Project-relative files matched by `include`, resolved with fast-glob in the main process. */
  readonly includeFiles: readonly string[];
  readonly vitestVersion: string;
}

export const PROVIDE_KEY = 'heaplens';
