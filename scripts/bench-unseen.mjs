// `npm run bench:unseen`: heaplens on a generated suite unlike the bench's (a check that the bench's ratios are
// not tuned to its own files). 40 files per runner, each a describe with a beforeEach fixture (200 invoices),
// an afterEach, and two nested describes of 8 tests: string rendering, regexes, JSON round trips, a Set, and
// async tests (Promise.all of 20 timers, a Map). Every file is tracked through `include` (no trackHeap()),
// as a user adding heaplens to a config would. In the leaky copy 3 files leak: a module-level array filled in
// afterEach (~38 KB per test, every test), an EventEmitter listener never removed (first describe only), a
// Map cache keyed by test name (~16 KB per test, second describe only). Alternating rounds of the plain
// runner, heaplens, and (leaky copy) `heaplens --heap-snapshots` against the plain run of the same copy.
//   node scripts/bench-unseen.mjs vitest|jest [rounds=3]
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envNode, packHeaplens, prepareEnv } from './envs.mjs';
import { floorSetupSource, median as med, snapshotFigures, timeCommand } from './bench/suite.mjs';

const RUNNER = process.argv[2];
if (RUNNER !== 'vitest' && RUNNER !== 'jest') {
  console.error('usage: node scripts/bench-unseen.mjs vitest|jest [rounds]');
  process.exit(2);
}
const ROUNDS = Number(process.argv[3] ?? 3);
const env = prepareEnv(RUNNER === 'vitest' ? 'vitest-4' : 'jest-30', packHeaplens());
const node = envNode(env);
const FILES = 40;

function body(i, leaky, esm) {
  const imp = esm ? "import { describe, it, expect, beforeEach, afterEach } from 'vitest';\nimport { EventEmitter } from 'node:events';\n" : "const { EventEmitter } = require('node:events');\n";
  const leakKind = leaky ? i % 3 : -1;
  const isLeaky = leaky && i < 3;
  return `${imp}
const bus = new EventEmitter();
bus.setMaxListeners(0);
const memo = new Map();
const kept = [];
class Invoice {
  constructor(id, lines) { this.id = id; this.lines = lines; this.total = lines.reduce((s, l) => s + l.qty * l.price, 0); }
  toJSON() { return { id: this.id, total: this.total, lines: this.lines.length }; }
}
function makeLines(n, seed) { return Array.from({ length: n }, (_, k) => ({ sku: 'SKU-' + ((k * 31 + seed) % 997), qty: (k % 7) + 1, price: ((k * 13 + seed) % 100) / 4 })); }
function render(inv) { return inv.lines.map((l) => \`\${l.sku.padEnd(10)}\${String(l.qty).padStart(4)}\${l.price.toFixed(2).padStart(9)}\`).join('\\n'); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('file ${i}', () => {
  let fixture;
  beforeEach(() => { fixture = Array.from({ length: 200 }, (_, k) => new Invoice(k, makeLines(8, k + ${i}))); });
  afterEach(() => {${isLeaky && leakKind === 0 ? "\n    kept.push(fixture.map((inv) => ({ ...inv.toJSON(), text: render(inv) })));" : ''}
    fixture = undefined;
  });

  describe('invoices', () => {
    for (let t = 0; t < 8; t += 1) {
      it('renders and parses ' + t, () => {
        const text = fixture.map(render).join('\\n---\\n');
        const skus = new Set(text.match(/SKU-\\d+/g));
        const json = JSON.parse(JSON.stringify(fixture));
        expect(json.length).toBe(200);
        expect(skus.size).toBeGreaterThan(10);${isLeaky && leakKind === 1 ? "\n        const copy = json.slice(); bus.on('tick', () => copy.length);" : ''}
      });
    }
  });

  describe('async work', () => {
    for (let t = 0; t < 8; t += 1) {
      it('settles batch ' + t, async () => {
        const parts = await Promise.all(Array.from({ length: 20 }, async (_, k) => { await sleep(k % 3); return makeLines(50, k + t).map((l) => l.sku).join(','); }));
        const counts = new Map();
        for (const p of parts) for (const s of p.split(',')) counts.set(s, (counts.get(s) ?? 0) + 1);${isLeaky && leakKind === 2 ? "\n        memo.set(expect.getState().currentTestName, parts.map((p) => p + p));" : "\n        memo.set(t % 2, counts.size);"}
        expect(counts.size).toBeGreaterThan(0);
      });
    }
  });
});
`;
}

function project(name, leaky) {
  const dir = join(env, 'projects', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  if (RUNNER === 'vitest') {
    writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
    writeFileSync(join(dir, 'vitest.config.plain.ts'), "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'] } });\n");
    writeFileSync(join(dir, 'floor-setup.ts'), floorSetupSource('vitest'));
    writeFileSync(join(dir, 'vitest.config.floor.ts'), "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'], setupFiles: ['./floor-setup.ts'] } });\n");
    writeFileSync(join(dir, 'vitest.config.ts'), "import { defineConfig } from 'vitest/config';\nimport { heaplens } from 'heaplens/vitest';\nexport default defineConfig({ plugins: [heaplens({ include: ['test/**/*.test.ts'] })], test: { include: ['test/**/*.test.ts'] } });\n");
  } else {
    writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
    writeFileSync(join(dir, 'jest.config.plain.js'), "module.exports = { testMatch: ['<rootDir>/test/**/*.test.js'] };\n");
    writeFileSync(join(dir, 'floor-setup.js'), floorSetupSource('jest'));
    writeFileSync(join(dir, 'jest.config.floor.js'), "module.exports = { testMatch: ['<rootDir>/test/**/*.test.js'], setupFilesAfterEnv: ['<rootDir>/floor-setup.js'] };\n");
    writeFileSync(join(dir, 'jest.config.js'), "const { withHeaplens } = require('heaplens/jest');\nmodule.exports = withHeaplens({ testMatch: ['<rootDir>/test/**/*.test.js'] }, { include: ['test/**/*.test.js'] });\n");
  }
  for (let i = 0; i < FILES; i += 1) writeFileSync(join(dir, 'test', `part-${String(i).padStart(2, '0')}.test.${RUNNER === 'vitest' ? 'ts' : 'js'}`), body(i, leaky, RUNNER === 'vitest'));
  return dir;
}

const clean = project('unseen-clean', false);
const leaky = project('unseen-leaky', true);
const vitest = join(env, 'node_modules', 'vitest', 'vitest.mjs');
const jest = join(env, 'node_modules', 'jest', 'bin', 'jest.js');
const cli = join(env, 'node_modules', 'heaplens', 'dist', 'cli.js');
const runnerArgs = (config) => (RUNNER === 'vitest' ? [vitest, 'run', '--config', config] : [jest, '--ci', '-w', '2', '--config', config]);
const plainConfig = RUNNER === 'vitest' ? 'vitest.config.plain.ts' : 'jest.config.plain.js';
const floorConfig = RUNNER === 'vitest' ? 'vitest.config.floor.ts' : 'jest.config.floor.js';
const hlConfig = RUNNER === 'vitest' ? 'vitest.config.ts' : 'jest.config.js';

const time = (dir, args, tolerateFailure = false) => timeCommand(node, args, dir, {}, tolerateFailure ? () => true : null);
const verdicts = (dir) => {
  const report = JSON.parse(readFileSync(join(dir, '.heaplens', 'report.json'), 'utf8'));
  const counts = {};
  for (const scope of report.scopes) counts[scope.verdict] = (counts[scope.verdict] ?? 0) + 1;
  const leaks = report.scopes.filter((scope) => scope.verdict === 'leak').map((scope) => scope.file).sort();
  return `${JSON.stringify(counts)} leaks=${leaks.join(',')}`;
};
console.log(`heaplens on an unseen ${RUNNER} suite: ${FILES} files of 16 tests, every file tracked with include; leaky copy: 3 planted leaks`);
const rows = { plain: [], floor: [], heaplens: [], leakyPlain: [], leakySnapshots: [] };
// warm-up (transform caches)
time(clean, runnerArgs(plainConfig)); time(clean, runnerArgs(hlConfig));
for (let r = 0; r < ROUNDS; r += 1) {
  rows.plain.push(time(clean, runnerArgs(plainConfig)));
  rows.floor.push(time(clean, runnerArgs(floorConfig)));
  rows.heaplens.push(time(clean, runnerArgs(hlConfig)));
  console.log(`round ${r}: heaplens ${verdicts(clean)}`);
  rows.leakyPlain.push(time(leaky, runnerArgs(plainConfig)));
  rows.leakySnapshots.push(time(leaky, [cli, '--heap-snapshots', '--', ...runnerArgs(hlConfig)], true));
  console.log(`round ${r}: leaky --heap-snapshots ${verdicts(leaky)}`);
  console.log(snapshotFigures(`round ${r}: leaky --heap-snapshots`, leaky));
}
const list = (xs) => `[${xs.map((x) => x.toFixed(2)).join(', ')}]`;
const against = (xs, base) => `${(med(xs) / med(base)).toFixed(2)}x (paired ${med(xs.map((x, i) => x / base[i])).toFixed(2)}x)`;
console.log(`median of ${ROUNDS} alternating rounds`);
console.log(`plain                      ${med(rows.plain).toFixed(2)} s ${list(rows.plain)}`);
console.log(`floor (sampling + 1 GC)    ${med(rows.floor).toFixed(2)} s ${list(rows.floor)}  ${against(rows.floor, rows.plain)}`);
console.log(`heaplens                   ${med(rows.heaplens).toFixed(2)} s ${list(rows.heaplens)}  ${against(rows.heaplens, rows.plain)}`);
console.log(`leaky: plain               ${med(rows.leakyPlain).toFixed(2)} s ${list(rows.leakyPlain)}`);
console.log(`leaky: --heap-snapshots    ${med(rows.leakySnapshots).toFixed(2)} s ${list(rows.leakySnapshots)}  ${against(rows.leakySnapshots, rows.leakyPlain)}`);
