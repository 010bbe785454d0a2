import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { Attribution, SiteRecord } from '../src/core/attribution.js';
import { cachingInlineMaps, createSourceMapper } from '../src/core/source-positions.js';
import { vitestSourceMaps } from '../src/vitest/module-source-maps.js';
import { scratchFiles } from './support/files.js';

const ROOT = '/proj';
const scratch = scratchFiles('heaplens-unmapped-');
const FILE = '/proj/src/jobs.ts';
// Three lines of types before the function: the generated code has none, so its line differs from the source's.
const SOURCE = 'interface Job {\n  id: number;\n}\n\nexport function runJob(id: number): Job {\n  return { id };\n}\n';
const { code, map } = transformSync(SOURCE, { loader: 'ts', sourcemap: 'external', sourcefile: FILE, format: 'esm' });
const generatedLine = code.split('\n').findIndex((line) => line.includes('function runJob'));
const generatedColumn = code.split('\n')[generatedLine]!.indexOf('runJob');

function attributionAt(url: string): Attribution {
  const site: SiteRecord = {
    site: `${url}:${generatedLine + 1}:${generatedColumn + 1}`,
    fn: 'runJob',
    owner: 'user',
    via: null,
    bytes: 1,
    perTest: [1],
    byPhase: { beforeAll: 0, beforeEach: 0, test: 1, afterEach: 0, afterAll: 0 },
    generated: { scriptId: '42', url, line: generatedLine, column: generatedColumn },
  };
  return { tests: 1, observed: [0], sites: [site], rest: 0, total: 1, samples: 1, frames: [{ ...site, callees: [] }], sourceMapped: false };
}

describe('source maps the runner keeps (Vitest 5)', () => {
  it('maps a site of a script with no sourceMappingURL through the map the runner keeps for it', async () => {
    const toSource = createSourceMapper(async () => new Map(), (url) => (url === FILE ? (JSON.parse(map) as object) : null));
    const mapped = await toSource(attributionAt(FILE), ROOT);
    expect(mapped.sites[0]!.site).toBe('src/jobs.ts:5:17');
    expect(mapped.frames[0]!.site).toBe('src/jobs.ts:5:17');
    expect(mapped.unmapped).toBeUndefined();
  });

  it('keeps the generated position when the runner has no map, or its lookup throws', async () => {
    for (const lookup of [() => null, () => { throw new Error('internals changed'); }]) {
      const mapped = await createSourceMapper(async () => new Map(), lookup)(attributionAt(FILE), ROOT);
      expect(mapped.sites[0]!.site).toBe(`${FILE}:${generatedLine + 1}:${generatedColumn + 1}`);
      // A .ts file's position with no map is the transformer's output, and the report says so.
      expect(mapped.unmapped).toEqual(['src/jobs.ts']);
    }
  });

  it('says a plain script with no map is in transformed code only when the line is past its end', async () => {
    const file = scratch.file('lib.js', 'a\nb\nc\n');
    const at = (line: number): Attribution => {
      const a = attributionAt(file);
      const site = { ...a.sites[0]!, generated: { scriptId: `s${line}`, url: file, line, column: 0 } };
      return { ...a, sites: [site], frames: [] };
    };
    const toSource = createSourceMapper(async () => new Map());
    expect((await toSource(at(2), scratch.dir)).unmapped).toBeUndefined();
    expect((await toSource(at(6673), scratch.dir)).unmapped).toEqual(['lib.js']);
  });

  it("reads the map JSON Vitest 5 keeps in the worker's evaluatedModules, by module id", () => {
    const modules = new Map([[FILE, { meta: { sourceMap: map } }]]);
    const global = { __vitest_worker__: { evaluatedModules: { getModuleById: (id: string) => modules.get(id) } } };
    const lookup = vitestSourceMaps(global);
    expect(lookup(FILE)).toEqual(JSON.parse(map));
    expect(lookup('/proj/src/other.ts')).toBeNull();
    expect(vitestSourceMaps({})(FILE)).toBeNull();
  });

  it('reads the inline map at the end of the code a module ran: Vite module runner (Vitest 4) and vite-node (Vitest 3)', () => {
    const inline = `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}\n`;
    const runner = { __vitest_worker__: { evaluatedModules: { getModuleById: (id: string) => (id === FILE ? { meta: { code: inline } } : undefined) } } };
    expect(vitestSourceMaps(runner)(FILE)).toEqual(JSON.parse(map));
    // vite-node's get() creates an entry for a path it does not know: it is asked only after has().
    const created: string[] = [];
    const cache = {
      has: (path: string) => path === FILE,
      get: (path: string) => {
        created.push(path);
        return { code: inline };
      },
    };
    const viteNode = vitestSourceMaps({ __vitest_worker__: { moduleCache: cache } });
    expect(viteNode(FILE)).toEqual(JSON.parse(map));
    expect(viteNode('/proj/src/other.ts')).toBeNull();
    expect(created).toEqual([FILE]);
    expect(vitestSourceMaps({ __vitest_worker__: { moduleCache: { has: () => true, get: () => ({ code }) } } })(FILE)).toBeNull();
  });

  it("maps vite-node's module wrapper (a function before column 0 of the first line) to the module's start", async () => {
    const toSource = createSourceMapper(async () => new Map(), () => JSON.parse(map) as object);
    const a = attributionAt(FILE);
    const wrapper = { ...a.sites[0]!, site: `${FILE}:1:-194`, fn: '(anonymous)', generated: { scriptId: '44', url: FILE, line: 0, column: -195 } };
    const mapped = await toSource({ ...a, sites: [wrapper], frames: [] }, ROOT);
    expect(mapped.sites[0]!.site).toMatch(/^src\/jobs\.ts:\d+:\d+$/);
  });

  it('asks the debugger only about scripts the runner keeps no map for', async () => {
    const asked: string[][] = [];
    const lookup = async (ids: ReadonlySet<string>) => {
      asked.push([...ids]);
      return new Map<string, string>();
    };
    const toSource = createSourceMapper(lookup, (url) => (url === FILE ? (JSON.parse(map) as object) : null));
    expect((await toSource(attributionAt(FILE), ROOT)).sites[0]!.site).toBe('src/jobs.ts:5:17');
    expect(asked).toEqual([]);
    const other = attributionAt('/proj/src/other.ts');
    const site = { ...other.sites[0]!, generated: { ...other.sites[0]!.generated!, scriptId: '43' } };
    await toSource({ ...other, sites: [site], frames: [] }, ROOT);
    expect(asked).toEqual([['43']]);
  });

  it("falls back on Vite's getModuleSourceMapById (a decoded map with the raw one in `map`)", () => {
    const raw = JSON.parse(map) as object;
    const global = { __vitest_worker__: { evaluatedModules: { getModuleById: () => ({}), getModuleSourceMapById: () => ({ map: raw }) } } };
    expect(vitestSourceMaps(global)(FILE)).toBe(raw);
  });
});

describe('inline source maps decoded once per script URL and map', () => {
  it('decodes an inline map again only for another URL or map, and a map file every time', async () => {
    const decoded: string[] = [];
    const decode = cachingInlineMaps((sourceMapUrl, scriptUrl) => {
      decoded.push(`${scriptUrl} ${sourceMapUrl}`);
      return { sourceMapUrl };
    });
    const data = 'data:application/json;base64,e30=';
    const first = decode(data, '/proj/src/a.js');
    // Jest's next test file compiles the module again: a new script id, the same URL and map.
    expect(decode(data, '/proj/src/a.js')).toBe(first);
    decode(data, '/proj/src/b.js');
    decode('data:application/json;base64,e30K', '/proj/src/a.js');
    decode('a.js.map', '/proj/src/a.js');
    decode('a.js.map', '/proj/src/a.js');
    expect(decoded).toEqual([`/proj/src/a.js ${data}`, `/proj/src/b.js ${data}`, '/proj/src/a.js data:application/json;base64,e30K', '/proj/src/a.js a.js.map', '/proj/src/a.js a.js.map']);
  });

  it('maps the same module compiled twice (two script ids) to the same source', async () => {
    const inlined = `data:application/json;base64,${Buffer.from(map).toString('base64')}`;
    const toSource = createSourceMapper(async (ids) => new Map([...ids].map((id) => [id, inlined])));
    const again = attributionAt(FILE);
    const second = { ...again, sites: again.sites.map((s) => ({ ...s, generated: { ...s.generated!, scriptId: '43' } })), frames: [] };
    expect((await toSource(attributionAt(FILE), ROOT)).sites[0]!.site).toBe('src/jobs.ts:5:17');
    expect((await toSource(second, ROOT)).sites[0]!.site).toBe('src/jobs.ts:5:17');
  });
});
