/**
 * Source maps from Jest's own registry instead of the debugger.
 *
 * Jest's runtime keeps, for each file it transformed, the path of the map the
 * transformer's output was written with in Jest's cache (`runtime.getSourceMaps()`;
 * Jest maps its own stack traces with it). heaplens' test runner (runner.ts)
 * hands that registry to the file's environment when the file starts.
 *
 * Why not the debugger, which knows every script's `sourceMappingURL`:
 * `Debugger.enable` sends every script the worker has (Babel's, Jest's, each
 * transformed module with its inline map) over the inspector, and while it is
 * enabled V8 empties its compilation cache, so the next file compiles its
 * modules again. On luxon (Jest 29 + babel-jest, 58 files, every file
 * tracked) that was ~2.4 s of a ~9 s run (8.7 s against 6.3 s without it).
 *
 * A script Jest has no map for ran as the file on disk is (not transformed:
 * node_modules, Jest's own modules), so the map it names on disk, if any, is
 * the one V8 saw.
 */
import { diskSourceMapPayload, dropOldest, type RunnerSourceMap } from '../core/source-positions.js';
import { urlToPath } from '../core/frames.js';
import { readFileSync } from 'node:fs';

/** Map files whose JSON a worker keeps (Jest names them by the hash of what they map: one path, one content). */
const MAX_PAYLOADS = 64;

export interface RuntimeSourceMaps {
  /** The running file's registry (path of a transformed file → path of its map), or null when it has ended. */
  use(registry: ReadonlyMap<string, string> | null): void;
  /** The tracker's `sourceMapOf`: null (ask the debugger) while no registry is in use. */
  lookup(scriptUrl: string): RunnerSourceMap;
}

export function createRuntimeSourceMaps(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): RuntimeSourceMaps {
  let registry: ReadonlyMap<string, string> | null = null;
  /** By map path (Jest's cache) or script path (a file on disk): the same object each time, decoded once. */
  const payloads = new Map<string, object | null>();
  const remember = (key: string, load: () => object | null): object | null => {
    if (payloads.has(key)) return payloads.get(key)!;
    const payload = load();
    payloads.set(key, payload);
    dropOldest(payloads, MAX_PAYLOADS);
    return payload;
  };
  return {
    use(next) {
      registry = next;
    },
    lookup(scriptUrl) {
      if (!registry) return null;
      // Jest's keys are the paths it compiled the files under, which V8 gives as the script's URL.
      const path = urlToPath(scriptUrl) ?? scriptUrl;
      const mapPath = registry.get(scriptUrl) ?? registry.get(path);
      if (mapPath !== undefined) {
        // A map file that does not read (cleared cache): the debugger may still find the inline one.
        return remember(`map:${mapPath}`, () => {
          try {
            return JSON.parse(read(mapPath)) as object;
          } catch {
            return null;
          }
        });
      }
      return remember(`disk:${path}`, () => diskSourceMapPayload(scriptUrl)) ?? 'none';
    },
  };
}
