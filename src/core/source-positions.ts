/**
 * Maps a site from the code V8 ran (Vitest's and Jest's transformed modules)
 * back to the user's source, with the module's inline source map. Node's own
 * `SourceMap` (node:module) decodes it; nothing is added to the worker's
 * module caches.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { remapSites, type Attribution } from './attribution.js';
import { relativeToRoot, urlToPath } from './frames.js';

export interface GeneratedPosition {
  readonly url: string;
  /** 0-based, as the inspector gives them. */
  readonly line: number;
  readonly column: number;
}

export interface OriginalPosition {
  /** Absolute path of the original source, `/` separators. */
  readonly path: string;
  /** 0-based. */
  readonly line: number;
  readonly column: number;
}

const DATA_URL = /^data:application\/json(?:;charset=[^;,]+)?;base64,/i;

/** A decoded source map from its JSON object, or null when Node cannot read it. */
export function decodeSourceMap(payload: object): SourceMap | null {
  try {
    return new SourceMap(payload as never);
  } catch {
    return null;
  }
}

/** The JSON object of an inline source map (`data:application/json;base64,…`), or null when the URL is not one or does not parse. */
export function inlineMapPayload(sourceMapUrl: string): object | null {
  const inline = DATA_URL.exec(sourceMapUrl);
  if (!inline) return null;
  try {
    return JSON.parse(Buffer.from(sourceMapUrl.slice(inline[0].length), 'base64').toString('utf8')) as object;
  } catch {
    return null;
  }
}

/** The JSON of the map a script's `sourceMappingURL` points at (an inline data URL or a file beside the script), or null when it does not read. */
export function sourceMapPayload(sourceMapUrl: string, scriptUrl: string): object | null {
  if (sourceMapUrl.startsWith('data:')) return inlineMapPayload(sourceMapUrl);
  try {
    const base = urlToPath(scriptUrl);
    const path = urlToPath(sourceMapUrl) ?? (base ? resolve(dirname(base), sourceMapUrl) : null);
    return path ? (JSON.parse(readFileSync(path, 'utf8')) as object) : null;
  } catch {
    return null;
  }
}

/** The source map a script's `sourceMappingURL` points at, decoded. */
export function loadSourceMap(sourceMapUrl: string, scriptUrl: string): SourceMap | null {
  const payload = sourceMapPayload(sourceMapUrl, scriptUrl);
  return payload ? decodeSourceMap(payload) : null;
}

/** The original position of a generated one, or null when the map has no entry for it. */
export function originalPosition(map: SourceMap, at: GeneratedPosition): OriginalPosition | null {
  // vite-node runs a module inside a wrapper function on its first line and has V8 shift that line's
  // columns back by the wrapper's length: the module's own top-level function starts at column -195.
  const entry = map.findEntry(at.line, Math.max(0, at.column)) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (!entry || typeof entry.originalSource !== 'string' || typeof entry.originalLine !== 'number') return null;
  const base = urlToPath(at.url);
  const source = urlToPath(entry.originalSource) ?? (base ? resolve(dirname(base), entry.originalSource) : null);
  if (!source) return null;
  return { path: source.replace(/\\/g, '/'), line: entry.originalLine, column: entry.originalColumn ?? 0 };
}

/**
 * What a runner knows of a script's source map: its JSON object; `'none'`, the script has none (it is the
 * file on disk, which names no map), so the debugger is not asked; or null, the runner cannot tell.
 */
export type RunnerSourceMap = object | 'none' | null;
export type RunnerSourceMaps = (scriptUrl: string) => RunnerSourceMap;

/** The runner's answer for a script; a runner hook that throws is the same as no answer. */
function askRunner(runnerMaps: RunnerSourceMaps | undefined, scriptUrl: string): RunnerSourceMap {
  if (!runnerMaps) return null;
  try {
    return runnerMaps(scriptUrl);
  } catch {
    return null;
  }
}

const MAPPING_COMMENT = /\/\/[#@] sourceMappingURL=(\S+)\s*$/;

/**
 * The source map a script that is a file on disk names, as JSON: the URL in its last line comment
 * `//# sourceMappingURL=` (inline, or a file beside it), as V8 reads it from the code it ran. Null when
 * the file names none, is not a file, or its map does not read.
 */
export function diskSourceMapPayload(scriptUrl: string): object | null {
  const path = urlToPath(scriptUrl);
  if (!path) return null;
  let code: string;
  try {
    code = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const at = code.lastIndexOf('sourceMappingURL=');
  const url = at < 0 ? undefined : MAPPING_COMMENT.exec(code.slice(Math.max(0, at - 4)))?.[1];
  return url ? sourceMapPayload(url, scriptUrl) : null;
}

/** Decoded source maps a worker keeps. */
const MAX_SOURCE_MAPS = 64;

/** Deletes a map's oldest entries (insertion order) down to `limit`; returns their keys. */
export function dropOldest<K>(map: Map<K, unknown>, limit: number): K[] {
  const dropped: K[] = [];
  for (const key of map.keys()) {
    if (map.size <= limit) break;
    map.delete(key);
    dropped.push(key);
  }
  return dropped;
}

/**
 * `decode`, keeping what it made of inline maps (`data:` URLs), by script URL and map, the latest
 * MAX_SOURCE_MAPS. Jest compiles a project's modules again for every test file: a new script id each
 * time, the same code and map; decoding was most of the cost of mapping (on luxon, Jest 29 +
 * babel-jest, ~200 ms per worker). A map in a file is decoded each time: the file can change.
 */
export function cachingInlineMaps<M>(decode: (sourceMapUrl: string, scriptUrl: string) => M | null): (sourceMapUrl: string, scriptUrl: string) => M | null {
  const inline = new Map<string, M | null>();
  return (sourceMapUrl, scriptUrl) => {
    if (!sourceMapUrl.startsWith('data:')) return decode(sourceMapUrl, scriptUrl);
    const key = `${scriptUrl}\n${sourceMapUrl}`;
    if (inline.has(key)) return inline.get(key)!;
    const map = decode(sourceMapUrl, scriptUrl);
    inline.set(key, map);
    dropOldest(inline, MAX_SOURCE_MAPS);
    return map;
  };
}

/**
 * Maps an attribution's sites and frames back to the user's sources. Source
 * maps are looked up by script id, which stays the same for a script's life,
 * so only scripts not seen before are looked up: first in the maps the runner
 * keeps (`runnerMaps`: Vitest's module cache, Jest's source map registry), then,
 * for the scripts it cannot tell about, through the debugger (`lookup`: the `sourceMappingURL`s of the
 * given scripts). The latest few decoded maps are kept, since a worker can
 * run many files.
 */
export function createSourceMapper(lookup: (scriptIds: ReadonlySet<string>) => Promise<Map<string, string>>, runnerMaps?: RunnerSourceMaps) {
  const maps = new Map<string, SourceMap | null>();
  const load = cachingInlineMaps(loadSourceMap);
  // A runner that hands out the same JSON object for the same map (Jest's, by map file) has it decoded once:
  // Jest compiles a project's modules again for every test file, each time under a new script id.
  const decoded = new WeakMap<object, SourceMap | null>();
  const decodeOnce = (payload: object): SourceMap | null => {
    if (!decoded.has(payload)) decoded.set(payload, decodeSourceMap(payload));
    return decoded.get(payload)!;
  };
  /** Lines of the file on disk of a script with no map (null: none to read), read once per script. */
  const lineCounts = new Map<string, number | null>();
  const inTransformedCode = (at: NonNullable<Attribution['sites'][number]['generated']>): boolean => {
    if (!lineCounts.has(at.scriptId)) lineCounts.set(at.scriptId, lineCountOnDisk(at.url));
    return transformedPosition(at, lineCounts.get(at.scriptId)!);
  };
  return async (attribution: Attribution, root: string): Promise<Attribution> => {
    const unknown = new Map<string, string>();
    for (const item of [...attribution.sites, ...attribution.frames]) {
      if (item.generated && !maps.has(item.generated.scriptId)) unknown.set(item.generated.scriptId, item.generated.url);
    }
    // The runner's maps first: asking the debugger means Debugger.enable, which sends every script the
    // worker has (with its inline map) over the inspector; only scripts the runner has no map for need it.
    const askDebugger = new Map<string, string>();
    for (const [id, scriptUrl] of unknown) {
      const answer = askRunner(runnerMaps, scriptUrl);
      if (answer === 'none') maps.set(id, null);
      else if (answer) maps.set(id, decodeOnce(answer));
      else askDebugger.set(id, scriptUrl);
    }
    if (askDebugger.size > 0) {
      const found = await lookup(new Set(askDebugger.keys()));
      for (const [id, scriptUrl] of askDebugger) {
        const url = found.get(id);
        maps.set(id, url ? load(url, scriptUrl) : null);
      }
    }
    if (unknown.size > 0) for (const id of dropOldest(maps, MAX_SOURCE_MAPS)) lineCounts.delete(id);
    const unmapped = new Set<string>();
    for (const item of [...attribution.sites, ...attribution.frames]) {
      const at = item.generated;
      if (at && !maps.get(at.scriptId) && inTransformedCode(at)) unmapped.add(relativeToRoot(at.url, root));
    }
    const mapped = remapSites(attribution, (at) => {
      const map = maps.get(at.scriptId);
      return map ? originalPosition(map, at) : null;
    }, root);
    return unmapped.size > 0 ? { ...mapped, unmapped: [...unmapped].sort() } : mapped;
  };
}

/** Extensions V8 cannot run as they are: a script under such a name is a transformer's output. */
const TRANSFORMED = /\.(?:[cm]?tsx?|jsx|vue|svelte)$/i;

/** How many lines the file behind a script URL has on disk, or null when there is none to read. */
function lineCountOnDisk(url: string): number | null {
  const path = urlToPath(url);
  if (!path || TRANSFORMED.test(path)) return null;
  try {
    return readFileSync(path, 'utf8').split('\n').length;
  } catch {
    return null;
  }
}

/**
 * Whether a position with no source map is in code a transformer produced rather than in the file on
 * disk: the file's name says so, or the line is past the file's end (`lines`; instrumented for coverage).
 * Jest runs ts-jest's output under the `.ts` name; with `"sourceMap": false` in its tsconfig there is
 * no map, and class-validator's sites came out as `ValidationExecutor.ts:6674`, of a 429-line file.
 */
function transformedPosition(at: GeneratedPosition, lines: number | null): boolean {
  const path = urlToPath(at.url);
  if (!path) return false;
  return TRANSFORMED.test(path) || (lines !== null && at.line >= lines);
}
