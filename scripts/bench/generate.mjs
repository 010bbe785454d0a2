// Generates heap snapshot PAIRS of known content for `npm run bench:snapshots`.
//
// For each size a fresh child `node` builds a baseline heap (class instances
// with several properties, arrays, Maps, strings, closures), writes
// `before.heapsnapshot`, then allocates exactly K `LeakedRecord` instances held
// by `globalThis.leakStore` (a Map), makes transient garbage, and writes
// `after.heapsnapshot`. A manifest.json next to the pair records the recipe,
// file sizes and header node/edge counts; a pair whose manifest matches the
// recipe (and whose files are still there, same sizes) is reused.
//
//   node scripts/bench/generate.mjs            # sizes from BENCH_SIZES (default 10,120,500)
//   BENCH_SIZES=10 node scripts/bench/generate.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '..', '..');
export const BENCH_DIR = join(ROOT, '.cache', 'bench');

// Bump when the child's heap recipe changes: old pairs are then regenerated.
const RECIPE_VERSION = 1;

/**
 * Size presets (MB of the `after` file, approximately). `units` scales the
 * baseline heap (one unit ~ 1 customer with orders, items, closures, map
 * entries); `leaked` is K, the number of LeakedRecord instances.
 */
export const PRESETS = {
  10: { units: 1_100, leaked: 1_000, maxOldSpaceMB: 0 },
  120: { units: 22_800, leaked: 20_000, maxOldSpaceMB: 0 },
  500: { units: 99_000, leaked: 80_000, maxOldSpaceMB: 8192 },
};

export function parseSizes(value = process.env.BENCH_SIZES) {
  const all = Object.keys(PRESETS).map(Number);
  if (!value) return all;
  const sizes = value.split(',').map((s) => Number(s.trim())).filter((n) => n);
  for (const size of sizes) {
    if (!PRESETS[size]) throw new Error(`BENCH_SIZES: unknown size ${size} (known: ${all.join(', ')})`);
  }
  return sizes;
}

/** node_count / edge_count from the snapshot header (the first few KB of the file). */
export function readHeaderCounts(file) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8');
    const nodes = /"node_count":(\d+)/.exec(head);
    const edges = /"edge_count":(\d+)/.exec(head);
    if (!nodes || !edges) throw new Error(`${file}: no node_count/edge_count in the header`);
    return { nodeCount: Number(nodes[1]), edgeCount: Number(edges[1]) };
  } finally {
    closeSync(fd);
  }
}

function pairDir(size) {
  return join(BENCH_DIR, `${size}mb`);
}

function recipeOf(size) {
  const { units, leaked } = PRESETS[size];
  return { version: RECIPE_VERSION, units, leaked, node: process.version };
}

function manifestMatches(dir, recipe) {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return null;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    if (JSON.stringify(manifest.recipe) !== JSON.stringify(recipe)) return null;
    for (const side of ['before', 'after']) {
      const f = manifest[side];
      if (!f || !existsSync(f.path) || statSync(f.path).size !== f.bytes) return null;
    }
    return manifest;
  } catch {
    return null;
  }
}

/** Returns the manifest of the pair for `size` MB, generating it if needed. */
export function ensurePair(size, { log = console.error } = {}) {
  const preset = PRESETS[size];
  if (!preset) throw new Error(`unknown size ${size}`);
  const dir = pairDir(size);
  const recipe = recipeOf(size);
  const reused = manifestMatches(dir, recipe);
  if (reused) {
    log(`[generate] ${size} MB: reusing ${dir} (${fmtMB(reused.after.bytes)} MB after)`);
    return reused;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const before = join(dir, 'before.heapsnapshot');
  const after = join(dir, 'after.heapsnapshot');
  log(`[generate] ${size} MB: building (units=${preset.units}, K=${preset.leaked}) ...`);
  const args = [];
  if (preset.maxOldSpaceMB) args.push(`--max-old-space-size=${preset.maxOldSpaceMB}`);
  args.push(fileURLToPath(import.meta.url), '--child', JSON.stringify({ units: preset.units, leaked: preset.leaked, before, after }));
  const started = Date.now();
  const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 20 * 60_000 });
  if (child.status !== 0) {
    throw new Error(`generator child for ${size} MB failed (status ${child.status}, signal ${child.signal})`);
  }
  const childInfo = JSON.parse(child.stdout.trim().split('\n').pop());
  const side = (path) => ({ path, bytes: statSync(path).size, ...readHeaderCounts(path) });
  const manifest = {
    size,
    recipe,
    leakedClass: 'LeakedRecord',
    leaked: preset.leaked,
    leakStore: 'globalThis.leakStore (Map)',
    before: side(before),
    after: side(after),
    generatedAt: new Date().toISOString(),
    generateSeconds: Math.round((Date.now() - started) / 100) / 10,
    child: childInfo,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  log(
    `[generate] ${size} MB: done in ${manifest.generateSeconds}s; after ${fmtMB(manifest.after.bytes)} MB, ` +
      `${manifest.after.nodeCount} nodes, ${manifest.after.edgeCount} edges`,
  );
  return manifest;
}

function fmtMB(bytes) {
  return (bytes / 1024 / 1024).toFixed(1);
}

// ---------------------------------------------------------------------------
// Child: builds the heap and writes the two snapshots.
// ---------------------------------------------------------------------------

async function child({ units, leaked, before, after }) {
  const BIO_REPEAT = 3;
  const v8 = await import('node:v8');
  // Template literals make ConsString trees (several nodes per string); real
  // heaps mostly hold flat strings, so flatten the per-object ones.
  const flat = (str) => JSON.parse(JSON.stringify(str));
  const TAGS = ['new', 'vip', 'churn-risk', 'trial', 'enterprise', 'beta', 'eu'];
  const CITIES = Array.from({ length: 40 }, (_, i) => `City ${i}`);
  const STATUS = ['pending', 'paid', 'shipped', 'refunded'];
  const CURRENCY = { code: 'EUR', symbol: '€', decimals: 2 };
  const WAREHOUSES = Array.from({ length: 12 }, (_, i) => ({ id: i, name: `Warehouse ${i}` }));

  class Address {
    constructor(i) {
      this.street = flat(`${(i % 997) + 1} Main Street`);
      this.city = CITIES[i % CITIES.length];
      this.zip = 10000 + (i % 89999);
      this.geo = { lat: (i % 180) - 90 + 0.5, lng: (i % 360) - 180 + 0.25 };
    }
  }
  class OrderItem {
    constructor(order, n) {
      this.order = order;
      this.sku = `SKU-${(order.id * 7 + n) % 5000}`;
      this.qty = 1 + (n % 4);
      this.price = 9.99 + n;
      this.currency = CURRENCY;
      this.warehouse = WAREHOUSES[(order.id + n) % WAREHOUSES.length];
    }
  }
  class Order {
    constructor(id, customer) {
      this.id = id;
      this.customer = customer;
      this.status = STATUS[id % STATUS.length];
      this.items = [];
      for (let n = 0; n < 3; n += 1) this.items.push(new OrderItem(this, n));
      this.total = this.items.reduce((s, it) => s + it.price * it.qty, 0);
      this.notes = flat(`order ${id} for ${customer.name}: leave at the door, ring twice`);
    }
  }
  class Customer {
    constructor(i) {
      this.id = i;
      this.name = `customer-${i}`;
      this.email = flat(`c${i}@example.com`);
      this.bio = flat(
        `Customer #${i} (${TAGS[i % TAGS.length]}) from ${CITIES[i % CITIES.length]}, signed up via campaign ${(i * 31) % 1000}; ` +
          `prefers email contact, ${i % 4} open tickets, last seen on build ${(i * 7919) % 100000}. `.repeat(BIO_REPEAT),
      );
      this.tags = [TAGS[i % TAGS.length], TAGS[(i * 3) % TAGS.length]];
      this.address = new Address(i);
      this.balance = i * 1.5 + 0.1;
      this.orders = [new Order(i * 2, this), new Order(i * 2 + 1, this)];
      this.prefs = new Map([
        ['theme', i % 2 ? 'dark' : 'light'],
        ['lang', 'en'],
        ['digest', { weekly: true, day: i % 7 }],
      ]);
      this.history = Array.from({ length: 8 }, (_, n) => (i + n) * 0.5);
    }
  }
  function makeHandlers(customer, counter) {
    let calls = 0;
    return {
      onClick: () => {
        calls += 1;
        counter.count += 1;
        return customer.name;
      },
      onHover(event) {
        return `${customer.email}:${event}:${calls}`;
      },
    };
  }

  // Baseline heap, reachable from globalThis.app.
  const app = {
    customers: [],
    byId: new Map(),
    byEmail: new Map(),
    sessions: new Map(),
    handlers: [],
    counter: { count: 0 },
    log: [],
  };
  globalThis.app = app;
  // The module-level store that will leak (empty in `before`).
  const leakStore = new Map();
  globalThis.leakStore = leakStore;

  for (let i = 0; i < units; i += 1) {
    const c = new Customer(i);
    app.customers.push(c);
    app.byId.set(i, c);
    app.byEmail.set(c.email, c);
    if (i % 3 === 0) app.sessions.set(`sess-${i.toString(36)}`, { customer: c, started: 1_700_000_000_000 + i, ttl: 3600 });
    app.handlers.push(makeHandlers(c, app.counter));
    if (i % 10 === 0) app.log.push(flat(`[${i}] customer ${c.name} created`));
  }

  const gc = () => (globalThis.gc ? globalThis.gc() : undefined);
  gc();
  let t = Date.now();
  v8.writeHeapSnapshot(before);
  const beforeMs = Date.now() - t;

  // The leak: exactly `leaked` LeakedRecord instances held by leakStore.
  class LeakedRecord {
    constructor(k, owner) {
      this.id = k;
      this.key = flat(`leak-${k}`);
      this.owner = owner; // a baseline object (retained anyway)
      this.payload = Array.from({ length: 16 }, (_, n) => k * 16 + n + 0.5);
      this.meta = { createdAt: 1_700_000_000_000 + k, label: flat(`leaked record #${k}`) };
      this.callback = () => this.id;
    }
  }
  // Transient garbage around the leak (unreachable by the time of the snapshot).
  let garbage = [];
  for (let k = 0; k < leaked; k += 1) {
    leakStore.set(`leak-${k}`, new LeakedRecord(k, app.customers[k % app.customers.length]));
    garbage.push({ k, tmp: `tmp-${k}`, arr: [k, k + 1, k + 2] });
    if (garbage.length >= 5000) garbage = [];
  }
  garbage = null;
  gc();
  t = Date.now();
  v8.writeHeapSnapshot(after);
  const afterMs = Date.now() - t;
  const info = { beforeWriteMs: beforeMs, afterWriteMs: afterMs, leakStoreSize: leakStore.size, childMaxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(JSON.stringify(info) + '\n');
}

// ---------------------------------------------------------------------------

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const i = process.argv.indexOf('--child');
  if (i !== -1) {
    await child(JSON.parse(process.argv[i + 1]));
  } else {
    for (const size of parseSizes()) ensurePair(size);
  }
}
