// Runs ONE benchmark task in a fresh child `node` and reports its wall time
// and peak RSS. The child times the task itself (module import excluded,
// reported apart) and prints `process.resourceUsage().maxRSS` at the end; the
// parent also samples the child's VmHWM from /proc while it runs, so a child
// that dies (OOM, timeout) still gets a peak-RSS figure (a lower bound).
//
//   node scripts/bench/measure.mjs <task> <before> <after>      # one task, prints JSON
//
// Tasks: heaplens-parse, heaplens-diff, memlab-heap, memlab-findLeaks, json-parse.
// Env:
//   BENCH_HEAPLENS_MODULE  comma-separated modules to take heaplens functions
//                          from, first one exporting the function wins
//                          (default: dist/index.js)
//   BENCH_TIMEOUT_S        per-task time limit (default 600)
//   BENCH_MAX_OLD_SPACE    --max-old-space-size (MB) for every task child
//                          (default: none, i.e. Node's default heap limit)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const SELF = fileURLToPath(import.meta.url);
const MARK = '@@bench-result@@';

export const TASKS = {
  'heaplens-parse': { label: 'heaplens parseSnapshot(after)' },
  'heaplens-diff': { label: 'heaplens diffSnapshots(before, after)' },
  'memlab-heap': { label: 'memlab getFullHeapFromFile(after)' },
  'memlab-findLeaks': { label: 'memlab findLeaksBySnapshotFilePaths(b, a, a)' },
  'json-parse': { label: 'JSON.parse(readFileSync(after))' },
};

export function heaplensModules() {
  const list = process.env.BENCH_HEAPLENS_MODULE || join(ROOT, 'dist', 'index.js');
  return list.split(',').map((s) => resolve(s.trim())).filter(Boolean);
}

function peakFromProc(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function classify(code, signal, stderr) {
  if (/heap out of memory|Reached heap limit|Allocation failed|JavaScript heap/i.test(stderr)) return 'OOM';
  if (/Invalid (string|array) length|Cannot create a string longer|ERR_STRING_TOO_LONG|Array buffer allocation failed/i.test(stderr)) {
    const line = stderr.split('\n').find((l) => /Invalid|Cannot create a string|ERR_STRING_TOO_LONG|allocation failed/i.test(l));
    return `error: ${line.trim().slice(0, 120)}`;
  }
  if (signal === 'SIGKILL') return 'killed (SIGKILL, likely the kernel OOM killer)';
  const last = stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
  return `error: exit ${code ?? signal}${last ? ` ${last.slice(0, 160)}` : ''}`;
}

/**
 * Runs `task` on the pair in a child process. Never throws for a task
 * failure: the result's `status` is "ok", "n/a (...)", "OOM", "timeout" or
 * "error: ...".
 */
export function measure(task, { before, after }, { timeoutS = Number(process.env.BENCH_TIMEOUT_S ?? 600), maxOldSpaceMB = Number(process.env.BENCH_MAX_OLD_SPACE ?? 0) } = {}) {
  if (!TASKS[task]) throw new Error(`unknown task ${task}`);
  const args = [];
  if (maxOldSpaceMB) args.push(`--max-old-space-size=${maxOldSpaceMB}`);
  args.push(SELF, '--child', task, before, after);
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
    });
    let polledKB = 0;
    const poll = setInterval(() => (polledKB = Math.max(polledKB, peakFromProc(child.pid))), 100);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      const processMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      const base = { task, label: TASKS[task].label, processMs: Math.round(processMs), heapLimitMB: maxOldSpaceMB || 'default' };
      if (line) {
        const r = JSON.parse(line.slice(MARK.length));
        const peakRssMB = (r.maxRssKB || polledKB) / 1024;
        done({ ...base, ...r, peakRssMB: round1(peakRssMB), status: r.status });
        return;
      }
      const status = timedOut ? `timeout (>${timeoutS}s)` : classify(code, signal, stderr);
      done({ ...base, status, wallMs: null, peakRssMB: polledKB ? round1(polledKB / 1024) : null, peakRssIsLowerBound: true, stderrTail: stderr.trim().split('\n').slice(-5).join('\n') });
    });
  });
}

const round1 = (x) => Math.round(x * 10) / 10;

// ---------------------------------------------------------------------------
// Child side
// ---------------------------------------------------------------------------

async function findHeaplensFunction(name) {
  const tried = [];
  for (const path of heaplensModules()) {
    if (!existsSync(path)) {
      tried.push(`${path}: missing`);
      continue;
    }
    const mod = await import(pathToFileURL(path).href);
    if (typeof mod[name] === 'function') return { fn: mod[name], from: path };
    tried.push(`${path}: no ${name}`);
  }
  return { fn: null, tried };
}

/** Small, bounded description of a result (keeps it alive until measured, too). */
function describe(value) {
  if (value == null) return String(value);
  if (typeof value !== 'object') return String(value).slice(0, 80);
  const keys = Object.keys(value).slice(0, 8);
  return `{${keys.join(', ')}}`;
}

function mentions(value, needle) {
  try {
    const seen = new WeakSet();
    let budget = 2_000_000; // bounded walk
    const stack = [value];
    while (stack.length && budget-- > 0) {
      const v = stack.pop();
      if (typeof v === 'string') {
        if (v.includes(needle)) return true;
      } else if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !seen.has(v)) {
        seen.add(v);
        for (const k of Object.keys(v).slice(0, 10_000)) stack.push(v[k]);
      }
    }
  } catch {
    /* best effort */
  }
  return false;
}

async function runChild(task, before, after) {
  const require = createRequire(join(ROOT, 'package.json'));
  const t0 = performance.now();
  let run;
  let extra = {};
  switch (task) {
    case 'heaplens-parse':
    case 'heaplens-diff': {
      const name = task === 'heaplens-parse' ? 'parseSnapshot' : 'diffSnapshots';
      const found = await findHeaplensFunction(name);
      if (!found.fn) {
        const distMissing = found.tried.every((t) => t.endsWith(': missing'));
        return { status: distMissing ? 'n/a (dist not built)' : 'n/a (not exported yet)', detail: found.tried.join('; ') };
      }
      extra.module = found.from;
      run =
        task === 'heaplens-parse'
          ? async () => {
              const data = await found.fn(after);
              return { result: data, summary: `nodes=${data?.meta?.nodeCount ?? '?'} edges=${data?.meta?.edgeCount ?? '?'}` };
            }
          : async () => {
              const diff = await found.fn(before, after);
              return { result: diff, summary: `${describe(diff)}; mentions LeakedRecord: ${mentions(diff, 'LeakedRecord')}` };
            };
      break;
    }
    case 'memlab-heap': {
      const { getFullHeapFromFile } = require('@memlab/heap-analysis');
      run = async () => {
        const heap = await getFullHeapFromFile(after);
        return { result: heap, summary: `nodes=${heap.nodes.length} edges=${heap.edges.length}` };
      };
      break;
    }
    case 'memlab-findLeaks': {
      const { findLeaksBySnapshotFilePaths } = require('@memlab/api');
      const workDir = join(ROOT, '.cache', 'bench', 'memlab-work');
      mkdirSync(workDir, { recursive: true });
      run = async () => {
        const leaks = await findLeaksBySnapshotFilePaths(before, after, after, { consoleMode: 'SILENT', workDir });
        return { result: leaks, summary: `${leaks.length} leak trace(s); mentions LeakedRecord: ${mentions(leaks, 'LeakedRecord')}` };
      };
      break;
    }
    case 'json-parse': {
      const { readFileSync: read } = await import('node:fs');
      run = async () => {
        const json = JSON.parse(read(after, 'utf8'));
        return { result: json, summary: `nodes[]=${json.nodes.length} edges[]=${json.edges.length}` };
      };
      break;
    }
    default:
      throw new Error(`unknown task ${task}`);
  }
  const importMs = performance.now() - t0;
  const t1 = performance.now();
  const { result, summary } = await run();
  const wallMs = performance.now() - t1;
  globalThis.__benchKeep = result;
  return { status: 'ok', wallMs: Math.round(wallMs), importMs: Math.round(importMs), summary, ...extra };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === SELF;
if (isMain) {
  const i = process.argv.indexOf('--child');
  if (i !== -1) {
    const [task, before, after] = process.argv.slice(i + 1);
    let out;
    try {
      out = await runChild(task, before, after);
    } catch (error) {
      const msg = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      out = { status: /heap out of memory/i.test(msg) ? 'OOM' : `error: ${msg.split('\n')[0].slice(0, 160)}` };
    }
    out.maxRssKB = process.resourceUsage().maxRSS;
    process.stdout.write(`\n${MARK}${JSON.stringify(out)}\n`);
    // memlab may leave handles open; do not wait for them.
    process.exit(0);
  } else {
    const [task, before, after] = process.argv.slice(2);
    if (!task || !before || !after) {
      console.error(`usage: node scripts/bench/measure.mjs <${Object.keys(TASKS).join('|')}> <before> <after>`);
      process.exit(2);
    }
    console.log(JSON.stringify(await measure(task, { before, after }), null, 2));
  }
}
