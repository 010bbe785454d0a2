/**
 * The source maps of the modules Vitest evaluated, read from the worker's
 * module cache rather than asked of the debugger. Vitest 5 runs each module with
 * `vm.runInThisContext` under the module's id (its path) and keeps the map
 * beside the module (`meta.sourceMap`, a JSON string) instead of inlining it,
 * so the debugger knows no map for those scripts. Vitest and Vite look maps up
 * by module id in the worker's `evaluatedModules`; so does this.
 */
import type { RunnerSourceMaps } from '../core/source-positions.js';
import { inlineMapPayload } from '../core/source-positions.js';

interface ModuleLike {
  readonly meta?: { readonly sourceMap?: unknown; readonly code?: unknown };
}
interface EvaluatedModulesLike {
  getModuleById?(id: string): ModuleLike | undefined;
  getModuleSourceMapById?(id: string): { readonly map?: unknown } | null | undefined;
}
/** vite-node's module cache (Vitest 3): `get` creates an entry for a path it does not have, so `has` first. */
interface ViteNodeModuleCacheLike {
  has?(path: string): boolean;
  get?(path: string): { readonly code?: unknown } | undefined;
}
interface WorkerStateLike {
  readonly evaluatedModules?: EvaluatedModulesLike;
  readonly moduleCache?: ViteNodeModuleCacheLike;
}

const MAPPING_URL = '//# sourceMappingURL=';

/** The inline source map a module's code ends with (`//# sourceMappingURL=data:application/json;base64,…`), parsed; null if none. */
export function inlineSourceMap(code: string): object | null {
  const at = code.lastIndexOf(`${MAPPING_URL}data:application/json`);
  if (at < 0) return null;
  return inlineMapPayload(code.slice(at + MAPPING_URL.length).split(/\s/, 1)[0]!);
}

/**
 * Looks maps up in the worker state Vitest keeps on `global` (`__vitest_worker__`), at the time of the lookup:
 * - Vitest 5: the JSON kept beside the module (`meta.sourceMap`);
 * - Vitest 4 (Vite's module runner) and Vitest 3 (vite-node): the inline map at the end of the code the
 *   module ran, read from the runner's module cache.
 * Why not the debugger, which knows every script's `sourceMappingURL`: `Debugger.enable` sends all the
 * worker's scripts, each with its inline map, over the inspector. On h3 (Vitest 3.2, 27 files) that was
 * 1.2 s of the workers' time, the largest cost of tracking after GC. And not the runner's own lookups
 * (`getModuleSourceMapById`, `getSourceMap`): they decode the map and keep it on the module.
 */
export function vitestSourceMaps(global: object): RunnerSourceMaps {
  return (scriptUrl) => {
    const state = (global as { __vitest_worker__?: WorkerStateLike }).__vitest_worker__;
    const modules = state?.evaluatedModules;
    if (modules) {
      const meta = modules.getModuleById?.(scriptUrl)?.meta;
      if (typeof meta?.sourceMap === 'string') return JSON.parse(meta.sourceMap) as object;
      if (typeof meta?.code === 'string') return inlineSourceMap(meta.code);
      const map = modules.getModuleSourceMapById?.(scriptUrl)?.map;
      return map && typeof map === 'object' ? map : null;
    }
    const cache = state?.moduleCache;
    if (cache?.has?.(scriptUrl)) {
      const code = cache.get?.(scriptUrl)?.code;
      if (typeof code === 'string') return inlineSourceMap(code);
    }
    return null;
  };
}
