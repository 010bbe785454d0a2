import type { ResolvedOptions } from '../core/options.js';

/** What the plugin hands each worker through Vitest's `provide`/`inject`. */
export interface ProvidedHeaplens {
  readonly options: ResolvedOptions;
  /** Project-relative files matched by `include`, resolved with fast-glob in the main process. */
  readonly includeFiles: readonly string[];
  readonly vitestVersion: string;
  /**
   * The setup file registers the file hooks itself when it is evaluated:
   * Vitest 5's native module runner (`experimental.viteModuleRunner: false`)
   * cannot load the plugin's per-file module, but re-imports setup files for
   * every test file.
   */
  readonly registerOnLoad: boolean;
}

export const PROVIDE_KEY = 'heaplens';
