// `npm run bench:snapshots`: the heap-snapshot engine against memlab and a
// plain JSON.parse, on generated snapshot pairs of about 10, 120 and 500 MB.
//
// For every size: generate (or reuse) a before/after pair of known content
// (scripts/bench/generate.mjs: K LeakedRecord objects held by
// globalThis.leakStore), then run each task in a fresh child process
// (scripts/bench/measure.mjs) and print wall time and peak RSS, plus ratios.
// Results also go to .cache/bench/results.json.
//
// Env: BENCH_SIZES=10,120 (default 10,120,500), BENCH_TASKS=heaplens-parse,...
//      BENCH_TIMEOUT_S (600), BENCH_MAX_OLD_SPACE (MB; default: Node's default),
//      BENCH_HEAPLENS_MODULE (default dist/index.js; comma-separated fallbacks).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, ensurePair, parseSizes } from './bench/generate.mjs';
import { TASKS, heaplensModules, measure } from './bench/measure.mjs';

const sizes = parseSizes();
const tasks = process.env.BENCH_TASKS ? process.env.BENCH_TASKS.split(',').map((s) => s.trim()) : Object.keys(TASKS);
for (const t of tasks) if (!TASKS[t]) throw new Error(`BENCH_TASKS: unknown task ${t} (known: ${Object.keys(TASKS).join(', ')})`);

const log = (...a) => console.error(...a);
mkdirSync(BENCH_DIR, { recursive: true });

const results = {
  startedAt: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  totalMemMB: Math.round(totalmem() / 1048576),
  heaplensModules: heaplensModules(),
  timeoutS: Number(process.env.BENCH_TIMEOUT_S ?? 600),
  sizes: [],
};
const save = () => writeFileSync(join(BENCH_DIR, 'results.json'), JSON.stringify(results, null, 2) + '\n');

for (const size of sizes) {
  const manifest = ensurePair(size, { log });
  const entry = { size, manifest, tasks: {} };
  results.sizes.push(entry);
  for (const task of tasks) {
    log(`[bench] ${size} MB: ${TASKS[task].label} ...`);
    const r = await measure(task, { before: manifest.before.path, after: manifest.after.path });
    entry.tasks[task] = r;
    log(`[bench] ${size} MB: ${task}: ${r.status}${r.wallMs != null ? ` ${(r.wallMs / 1000).toFixed(2)}s` : ''}${r.peakRssMB != null ? ` ${r.peakRssMB} MB` : ''}`);
    save();
  }
  entry.ratios = ratios(entry.tasks);
  save();
}
results.finishedAt = new Date().toISOString();
save();
printTable(results);

function ok(r) {
  return r && r.status === 'ok';
}

function ratio(a, b) {
  return a != null && b != null && b > 0 ? Math.round((a / b) * 100) / 100 : null;
}

function ratios(t) {
  const hp = t['heaplens-parse'];
  const hd = t['heaplens-diff'];
  const mf = t['memlab-findLeaks'];
  const jp = t['json-parse'];
  const both = (x, y, f) => (ok(x) && ok(y) ? f(x, y) : null);
  return {
    memlabFindLeaksTimeOverHeaplensDiff: both(mf, hd, (x, y) => ratio(x.wallMs, y.wallMs)),
    heaplensDiffRssOverMemlabFindLeaks: both(hd, mf, (x, y) => ratio(x.peakRssMB, y.peakRssMB)),
    heaplensParseTimeOverJsonParse: both(hp, jp, (x, y) => ratio(x.wallMs, y.wallMs)),
    heaplensParseRssOverJsonParse: both(hp, jp, (x, y) => ratio(x.peakRssMB, y.peakRssMB)),
  };
}

function cell(r, what) {
  if (!r || r.status.startsWith('n/a')) return '-';
  if (what === 'wall') return r.wallMs != null ? (r.wallMs / 1000).toFixed(2) : '-';
  if (r.peakRssMB == null) return '-';
  return `${r.peakRssIsLowerBound ? '>=' : ''}${Math.round(r.peakRssMB)}`;
}

function table(rows, right = new Set()) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const fmt = (r) => r.map((c, i) => (right.has(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)].join('\n');
}

function printTable(res) {
  const rows = [['size', 'task', 'wall s', 'peak RSS MB', 'result']];
  for (const e of res.sizes) {
    const m = e.manifest.after;
    const sizeLabel = `${e.size} MB (${(m.bytes / 1048576).toFixed(0)} MB, ${(m.nodeCount / 1e6).toFixed(2)}M n / ${(m.edgeCount / 1e6).toFixed(2)}M e, K=${e.manifest.leaked})`;
    let first = true;
    for (const [task, r] of Object.entries(e.tasks)) {
      let result = r.status === 'ok' ? r.summary ?? 'ok' : r.status;
      if (r.module && !r.module.endsWith(join('dist', 'index.js'))) result += ` [from ${r.module}]`;
      rows.push([first ? sizeLabel : '', TASKS[task].label, cell(r, 'wall'), cell(r, 'rss'), result]);
      first = false;
    }
  }
  console.log('\nwall s = the task alone in a fresh node (module import excluded); peak RSS = the whole child process (maxRSS).');
  console.log(table(rows, new Set([2, 3])));
  const f = (x, suffix = 'x') => (x == null ? 'n/a' : `${x}${suffix}`);
  console.log('\nratios');
  const rrows = [['size', 'memlab findLeaks time / heaplens diff time', 'heaplens diff RSS / memlab findLeaks RSS', 'heaplens parse / JSON.parse (time, RSS)']];
  for (const e of res.sizes) {
    const r = e.ratios ?? {};
    rrows.push([`${e.size} MB`, f(r.memlabFindLeaksTimeOverHeaplensDiff), f(r.heaplensDiffRssOverMemlabFindLeaks), `${f(r.heaplensParseTimeOverJsonParse)}, ${f(r.heaplensParseRssOverJsonParse)}`]);
  }
  console.log(table(rrows));
  console.log(`\nresults: ${join(BENCH_DIR, 'results.json')}`);
}
