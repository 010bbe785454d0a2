import { describe, expect, it } from 'vitest';
import { createSourceMapper, diskSourceMapPayload } from '../src/core/source-positions.js';
import { createRuntimeSourceMaps } from '../src/jest/runtime-source-maps.js';
import { scratchFiles } from './support/files.js';

const scratch = scratchFiles('heaplens-jest-maps-');
const MAP = { version: 3, sources: ['sum.js'], names: [], mappings: 'AAAA' };
const inline = (map: object) => `data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;

describe("Jest's source map registry (runtime-source-maps.ts)", () => {
  it('asks nothing of its own while no registry is in use: null sends the script to the debugger', () => {
    const maps = createRuntimeSourceMaps();
    expect(maps.lookup('/proj/test/sum.test.js')).toBeNull();
    maps.use(new Map());
    maps.use(null);
    expect(maps.lookup('/proj/test/sum.test.js')).toBeNull();
  });

  it('reads the map file Jest wrote for a transformed file, once per map file', () => {
    const mapFile = scratch.file('sum_0a1b.map', JSON.stringify(MAP));
    const reads: string[] = [];
    const maps = createRuntimeSourceMaps((path) => {
      reads.push(path);
      return JSON.stringify(MAP);
    });
    maps.use(new Map([['/proj/src/sum.js', mapFile]]));
    const first = maps.lookup('/proj/src/sum.js');
    expect(first).toEqual(MAP);
    // The next test file compiles the module again (a new script id): the same object, not read again.
    expect(maps.lookup('file:///proj/src/sum.js')).toBe(first);
    expect(reads).toEqual([mapFile]);
  });

  it("says null when Jest's map file no longer reads (the debugger may still find the inline map)", () => {
    const maps = createRuntimeSourceMaps();
    maps.use(new Map([['/proj/src/sum.js', `${scratch.dir}/gone.map`]]));
    expect(maps.lookup('/proj/src/sum.js')).toBeNull();
  });

  it('takes a file Jest did not transform as it is on disk: the map it names, or none', () => {
    const named = scratch.file('lib.js', `module.exports = 1;\n//# sourceMappingURL=${inline(MAP)}\n`);
    const plain = scratch.file('plain.js', 'module.exports = 2;\n');
    const maps = createRuntimeSourceMaps();
    maps.use(new Map());
    expect(maps.lookup(named)).toEqual(MAP);
    expect(maps.lookup(plain)).toBe('none');
    expect(maps.lookup('node:internal/timers')).toBe('none');
  });
});

describe('the map a file on disk names (diskSourceMapPayload)', () => {
  it('reads an inline map, a map file beside the script, and only a comment that ends the file', () => {
    scratch.file('beside.js.map', JSON.stringify(MAP));
    expect(diskSourceMapPayload(scratch.file('a.js', `x();\n//# sourceMappingURL=${inline(MAP)}`))).toEqual(MAP);
    expect(diskSourceMapPayload(scratch.file('beside.js', 'x();\n//# sourceMappingURL=beside.js.map\n'))).toEqual(MAP);
    expect(diskSourceMapPayload(scratch.file('mid.js', '//# sourceMappingURL=beside.js.map\nx();\n'))).toBeNull();
    expect(diskSourceMapPayload(scratch.file('bad.js', 'x();\n//# sourceMappingURL=missing.js.map\n'))).toBeNull();
    expect(diskSourceMapPayload(`${scratch.dir}/absent.js`)).toBeNull();
  });
});

describe("the mapper with a runner's answers", () => {
  it("does not ask the debugger for a script the runner says has no map, and keeps its position", async () => {
    const asked: string[][] = [];
    const toSource = createSourceMapper(async (ids) => {
      asked.push([...ids]);
      return new Map();
    }, () => 'none');
    const file = scratch.file('plain-site.js', 'a\nb\nc\n');
    const site = {
      site: `${file}:2:1`,
      fn: 'f',
      owner: 'user' as const,
      via: null,
      bytes: 1,
      perTest: [1],
      byPhase: { beforeAll: 0, beforeEach: 0, test: 1, afterEach: 0, afterAll: 0 },
      generated: { scriptId: '7', url: file, line: 1, column: 0 },
    };
    const mapped = await toSource({ tests: 1, observed: [0], sites: [site], rest: 0, total: 1, samples: 1, frames: [], sourceMapped: false }, scratch.dir);
    expect(asked).toEqual([]);
    expect(mapped.sites[0]!.site).toBe(`${file}:2:1`);
    expect(mapped.unmapped).toBeUndefined();
  });
});
