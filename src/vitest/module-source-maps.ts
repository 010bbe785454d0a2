/**
 * The source maps of the modules Vitest evaluated, for sites in code that
 * carries no `sourceMappingURL`. Vitest 5 runs each module with
 * `vm.runInThisContext` under the module's id (its path) and keeps the map
 * beside the module (`meta.sourceMap`, a JSON string) instead of inlining it,
 * so the debugger knows no map for those scripts. Vitest and Vite look maps up
 * by module id in the worker's `evaluatedModules`; so does this.
 */
import type { RunnerSourceMaps } from '../core/scope-tracker.js';

interface ModuleLike {
  readonly meta?: { readonly sourceMap?: unknown };
}
interface EvaluatedModulesLike {
  getModuleById?(id: string): ModuleLike | undefined;
  getModuleSourceMapById?(id: string): { readonly map?: unknown } | null | undefined;
}
interface WorkerStateLike {
  readonly evaluatedModules?: EvaluatedModulesLike;
}

/** Looks maps up in the worker state Vitest keeps on `global` (`__vitest_worker__`), at the time of the lookup. */
export function vitestSourceMaps(global: object): RunnerSourceMaps {
  return (scriptUrl) => {
    const modules = (global as { __vitest_worker__?: WorkerStateLike }).__vitest_worker__?.evaluatedModules;
    if (!modules) return null;
    // The JSON Vitest 5 keeps, parsed here: asking Vitest for the map would decode and cache it on the module.
    const raw = modules.getModuleById?.(scriptUrl)?.meta?.sourceMap;
    if (typeof raw === 'string') return JSON.parse(raw) as object;
    const map = modules.getModuleSourceMapById?.(scriptUrl)?.map;
    return map && typeof map === 'object' ? map : null;
  };
}
